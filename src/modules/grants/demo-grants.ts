import type { Transaction } from 'kysely'
import type { Database } from '../../db/schema.ts'
import { defaultSuppressionRule, publishVersion } from '../publishing/index.ts'
import { type Candidate, computeAllocation, type RoundTerms } from './domain/allocation.ts'
import { largestRemainder } from './domain/largest-remainder.ts'
import type { RoundDraft } from './domain/round-rules.ts'
import { trancheAmounts } from './domain/spend.ts'
import { grantsPublication } from './grants-open-data.ts'
import { candidatesFor, insertRound } from './grants.repository.ts'

// The demo county's grants: the 2020 Infection Control Fund's first round, committed and paid in two
// tranches, with a few declines, ineligible locations with their reasons and spend returns (one with
// money clawed back and recovered); and its second round, a what-if for finance to preview and commit.
// Inserted a few statements at a time, so the demo stays quick to load.

const measures = [
  'Isolating residents',
  'Restricting staff movement between homes',
  'Paying staff full wages while isolating',
  'Other infection control measures',
]
const round1: RoundDraft = {
  name: 'Infection Control Fund 2020, round 1',
  potPence: 1_840_000_000n,
  retainedPence: 5_000_000n,
  retainedPurpose: 'Emergency staffing',
  formulaShareBp: 7500,
  homeCareShareBp: 0,
  basis: 'registered_beds',
  snapshotDate: '2020-05-15',
  roundDate: '2020-05-22',
  passOnWorkingDays: 10,
  tranches: [
    { number: 1, payOn: '2020-05-29', shareBp: 5000 },
    { number: 2, payOn: '2020-07-24', shareBp: 5000 },
  ],
  measuresAllowed: measures,
  measuresNotAllowed: ['PPE', 'Capital works'],
  rules: ['registered-open', 'not-refused'],
  clawbackUnspent: true,
  funderId: 'GB-LAE-NMC',
}
const round2: RoundDraft = {
  ...round1,
  name: 'Infection Control Fund 2020, round 2',
  potPence: 1_620_000_000n,
  retainedPence: 0n,
  retainedPurpose: null,
  // Per bed to care homes and per person supported to home care, the rest at the council's discretion.
  formulaShareBp: 7000,
  homeCareShareBp: 1000,
  snapshotDate: '2020-10-01',
  roundDate: '2020-10-02',
  passOnWorkingDays: 20,
  tranches: [
    { number: 1, payOn: '2020-10-16', shareBp: 5000 },
    { number: 2, payOn: '2020-12-04', shareBp: 5000 },
  ],
}

export async function loadDemoGrants(
  trx: Transaction<Database>,
  now: Date,
  demo: { councilId: string; financeEmail: string; demoProviderId: string },
): Promise<void> {
  const finance = await trx
    .selectFrom('users')
    .select('id')
    .where('email', '=', demo.financeEmail)
    .executeTakeFirst()
  const by = finance?.id ?? null
  // Two care homes were dormant in the spring of 2020 (their history says so): ineligible on 15 May.
  const homes = await trx
    .selectFrom('locations')
    .select(['id', 'providerId'])
    .where('councilId', '=', demo.councilId)
    .where('serviceType', 'like', 'care_home%')
    .where('providerId', '<>', demo.demoProviderId)
    .orderBy('cqcLocationId')
    .execute()
  const dormant = homes.slice(0, 2).map((h) => h.id)
  await trx
    .insertInto('locationStatusEvents')
    .values(
      dormant.flatMap((locationId) => [
        {
          locationId,
          status: 'dormant' as const,
          effectiveFrom: '2020-04-01',
          source: 'demo',
          importId: null,
          recordedBy: null,
          recordedAt: now,
        },
        {
          locationId,
          status: 'open' as const,
          effectiveFrom: '2020-09-01',
          source: 'demo',
          importId: null,
          recordedBy: null,
          recordedAt: now,
        },
      ]),
    )
    .execute()

  const id1 = await insertRound(trx, demo.councilId, round1, by, now)
  const candidates: Candidate[] = await candidatesFor(trx, {
    id: id1,
    councilId: demo.councilId,
    snapshotDate: round1.snapshotDate,
    basis: round1.basis,
    rules: round1.rules,
  })
  const terms: RoundTerms = { ...round1 }
  const allocation = computeAllocation(terms, candidates)
  const declined = new Set(homes.slice(2, 5).map((h) => h.id))
  const lines = allocation.lines.map((l) => ({
    roundId: id1,
    locationId: l.locationId,
    providerId: l.providerId,
    basisValue: l.basisValue,
    eligible: l.eligible,
    reason: l.reason,
    amountPence: l.amountPence,
    explanation: l.explanation,
    decision: l.eligible
      ? declined.has(l.locationId)
        ? ('declined' as const)
        : ('accepted' as const)
      : null,
    decidedByName: l.eligible ? 'Registered manager' : null,
    decidedOn: l.eligible ? '2020-05-26' : null,
    decidedBy: null,
  }))
  await trx
    .insertInto('grantPreviews')
    .values({
      roundId: id1,
      number: 1,
      lines: JSON.stringify(allocation.lines.map((l) => ({ ...l, amountPence: String(l.amountPence) }))),
      formulaPence: allocation.formulaPence + allocation.homeCarePence,
      discretionaryPence: allocation.discretionaryPence,
      totalBasis: String(allocation.totalBasis),
      createdBy: by,
      createdAt: now,
    })
    .execute()
  const saved: { id: string; locationId: string; amountPence: string; decision: string | null }[] = []
  for (let i = 0; i < lines.length; i += 500)
    saved.push(
      ...(await trx
        .insertInto('grantAllocations')
        .values(lines.slice(i, i + 500))
        .returning(['id', 'locationId', 'amountPence', 'decision'])
        .execute()),
    )
  await trx
    .updateTable('grantRounds')
    .set({ status: 'committed', committedBy: by, committedAt: now })
    .where('id', '=', id1)
    .execute()

  // Both tranches paid to every provider that accepted.
  const tranches = await trx
    .selectFrom('grantTranches')
    .select(['id', 'number', 'payOn'])
    .where('roundId', '=', id1)
    .orderBy('number')
    .execute()
  const accepted = saved.filter((a) => a.decision === 'accepted')
  const payments = accepted.flatMap((a) => {
    const parts = trancheAmounts(BigInt(a.amountPence), [5000, 5000])
    return tranches.map((t, i) => ({
      allocationId: a.id,
      trancheId: t.id,
      amountPence: parts[i]!,
      paidOn: t.payOn,
      recordedBy: by,
      recordedAt: now,
    }))
  })
  for (let i = 0; i < payments.length; i += 1000)
    await trx
      .insertInto('grantPayments')
      .values(payments.slice(i, i + 1000))
      .execute()

  // Spend returns from the first few: spent in full by measure, but one spent nine tenths of it.
  const returning = accepted.slice(0, 8)
  await trx
    .insertInto('grantSpendReturns')
    .values(
      returning.map((a, i) => {
        const allocated = BigInt(a.amountPence)
        const spent = i === 3 ? (allocated * 9n) / 10n : allocated
        const amounts = largestRemainder(spent, [28n + BigInt(i), 28n, 18n, 26n - BigInt(i)])
        return {
          allocationId: a.id,
          amounts: JSON.stringify(amounts.map(String)),
          spentPence: spent,
          unspentPence: allocated - spent,
          clawbackPence: allocated - spent,
          recoveredPence: i === 3 ? String(allocated - spent) : '0',
          recoveredOn: i === 3 ? '2020-10-30' : null,
          submittedBy: null,
          submittedAt: new Date('2020-09-30T12:00:00Z'),
        } as never
      }),
    )
    .execute()

  // The second round: a what-if until finance previews and commits it.
  await insertRound(trx, demo.councilId, round2, by, now)

  // The first round's grants published as open data: signed off, with its 360Giving file, once the
  // round's answers and payments are in (the demo's 2020 dates, or now when later).
  const publishedAt = new Date(Math.max(now.getTime(), Date.parse('2020-11-02T10:00:00Z')))
  const { id: publicationId } = await trx
    .insertInto('publications')
    .values({
      councilId: demo.councilId,
      kind: grantsPublication.kind,
      title: grantsPublication.name,
      createdBy: by,
      createdAt: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  const { id: versionId } = await trx
    .insertInto('publicationVersions')
    .values({
      publicationId,
      version: 1,
      status: 'checking',
      changeNote: null,
      checkDays: 5,
      checkStartedAt: now,
      checkClosesOn: null,
      content: null,
      html: null,
      docx: null,
      csv: null,
      createdBy: by,
      createdAt: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  await publishVersion(trx, {
    kind: grantsPublication,
    councilId: demo.councilId,
    versionId,
    publicationId,
    version: 1,
    changeNote: null,
    at: publishedAt,
    signedOff: { userId: by, name: 'Demo finance officer' },
    baseUrl: '',
    rule: defaultSuppressionRule,
  })
}
