import type { Faker } from '@faker-js/faker'
import type { Transaction } from 'kysely'
import { loadDemoActionPlan } from '../../modules/action-plan/index.ts'
import { loadDemoBulletins } from '../../modules/bulletins/index.ts'
import { loadDemoStaffing } from '../../modules/emergency-staffing/index.ts'
import { loadDemoGrants } from '../../modules/grants/index.ts'
import { loadDemoIpcVisits } from '../../modules/infection-control/index.ts'
import { loadDemoPayments } from '../../modules/payments/index.ts'
import { loadDemoPpeSupply } from '../../modules/ppe-supply/index.ts'
import { loadDemoResourcePack } from '../../modules/resource-pack/index.ts'
import { loadDemoSurveys } from '../../modules/surveys/index.ts'
import type { Database } from '../schema.ts'

// The demo county's support, money, plans and communications: each capability's own demo loader, in
// the demo's transaction, after the directory, returns, contacts and cases they build on.
export async function loadCapabilityDemos(
  trx: Transaction<Database>,
  now: Date,
  faker: Faker,
  context: { council: string; demoProviderId: string; organisations: Record<string, string> },
) {
  await loadDemoStaffing(trx, now)
  await loadDemoIpcVisits(trx, now)
  await loadDemoGrants(trx, now, {
    councilId: context.council,
    financeEmail: 'finance@northmoor.example',
    demoProviderId: context.demoProviderId,
  })
  // Packages, the 2020 schemes, three approved runs and a held line; the two finance officers' four eyes.
  await loadDemoPayments(trx, now)
  await loadDemoPpeSupply(trx, now)
  // The action plan with its updates, the training its measures read, and the published progress report.
  await loadDemoActionPlan(trx, now, context.organisations)
  // Communications: bulletins and the letter, the resource pack and events, the needs survey.
  await loadDemoBulletins(trx, now)
  await loadDemoResourcePack(trx, now)
  await loadDemoSurveys(trx, now, faker)
}
