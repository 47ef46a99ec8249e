import type { Actor } from '../../src/domain/policy.ts'
import { createOrganisation, createProvider, createUser } from './factories.ts'
import { fullReturn } from './returns.fixture.ts'
import { buildTestApp, type TestApp } from './test-app.ts'
import type { Engine } from './test-database.ts'

// A return with no worries in it: enough PPE, few absences, no cases, no deaths, no help asked for.
export const calm: Record<string, string> = {
  ...fullReturn,
  ppeDaysTypeIirMasks: '12',
  ppeDaysFfp3Masks: '12',
  confirmedCasesResidents: '0',
  suspectedCasesResidents: '0',
  suspectedCasesStaff: '0',
  staffAbsentCovid: '1',
  staffAbsentOther: '1',
  helpRequested: '',
}

// The app with one council and one provider, whose manager sends the returns the risk rules judge.
export async function riskMarket(
  engine: Engine,
): Promise<{ t: TestApp; council: string; provider: string; manager: Actor }> {
  const t = await buildTestApp(engine)
  const db = t.database.db
  const council = await createOrganisation(db, 'council', 'Risk Council')
  const provider = await createProvider(db, 'Risk Care Ltd')
  const providerOrg = await createOrganisation(db, 'provider', 'Risk Care Ltd', { providerId: provider })
  const m = await createUser(db, providerOrg, 'provider_manager')
  const manager: Actor = {
    userId: m.id,
    role: 'provider_manager',
    organisationId: providerOrg,
    organisationKind: 'provider',
    councilIds: [],
    providerId: provider,
  }
  return { t, council, provider, manager }
}
