import type { Db, DbOrTransaction } from '../../db/database.ts'
import { dateInWords, londonDate } from '../../domain/dates.ts'
import type { Block, NamedProvider, PublicationContent, PublicationKind } from '../publishing/index.ts'
import { basisNames } from './domain/allocation.ts'
import { pounds } from './domain/money.ts'
import { type OpenDataGrant, threeSixtyGivingPackage } from './domain/three-sixty-giving.ts'
import { findRound, type RoundRow } from './grants.repository.ts'

type Round = NonNullable<RoundRow>

// The grants as open data: one round's accepted grants with their recorded payments (its 360Giving
// file, downloaded from the round's page), and every committed round of a council as a kind of
// publication that goes through the publishing workflow — draft, the named providers' check of their
// own grants, sign-off, and a version that never changes — with the 360Giving file among its files.

export const grantsOpenDataKind = 'grants-360giving'

// A round's accepted grants and their payments, as they stood at `at` (now when null): a grant
// accepted on or before that day, each payment recorded by then.
export async function openDataGrants(db: DbOrTransaction, roundId: string, at: Date | null) {
  let allocations = db
    .selectFrom('grantAllocations')
    .innerJoin('locations', 'locations.id', 'grantAllocations.locationId')
    .innerJoin('providers', 'providers.id', 'grantAllocations.providerId')
    .select([
      'grantAllocations.id',
      'grantAllocations.providerId',
      'grantAllocations.amountPence',
      'grantAllocations.decidedOn',
      'locations.name',
      'locations.postcode',
      'providers.name as providerName',
      'providers.cqcProviderId',
      'providers.companiesHouseNumber',
    ])
    .where('grantAllocations.roundId', '=', roundId)
    .where('grantAllocations.decision', '=', 'accepted')
  if (at) allocations = allocations.where('grantAllocations.decidedOn', '<=', londonDate(at))
  const accepted = await allocations.orderBy('locations.name').orderBy('grantAllocations.id').execute()
  if (accepted.length === 0) return []
  let paid = db
    .selectFrom('grantPayments')
    .innerJoin('grantAllocations', 'grantAllocations.id', 'grantPayments.allocationId')
    .innerJoin('grantTranches', 'grantTranches.id', 'grantPayments.trancheId')
    .select([
      'grantPayments.id',
      'grantPayments.allocationId',
      'grantPayments.paidOn',
      'grantPayments.amountPence',
    ])
    .where('grantAllocations.roundId', '=', roundId)
  if (at) paid = paid.where('grantPayments.recordedAt', '<=', at)
  const payments = await paid.orderBy('grantTranches.number').execute()
  const byAllocation = new Map<string, OpenDataGrant['payments']>()
  for (const p of payments) {
    const list = byAllocation.get(p.allocationId) ?? []
    list.push({ id: p.id, paidOn: p.paidOn, amountPence: BigInt(p.amountPence) })
    byAllocation.set(p.allocationId, list)
  }
  return accepted.map((a): OpenDataGrant & { providerId: string } => ({
    allocationId: a.id,
    providerId: a.providerId,
    locationName: a.name,
    providerName: a.providerName,
    cqcProviderId: a.cqcProviderId,
    companyNumber: a.companiesHouseNumber,
    // The directory keeps no charity numbers: a charity is named by its company number or CQC id.
    charityNumber: null,
    postcode: a.postcode,
    amountPence: BigInt(a.amountPence),
    acceptedOn: a.decidedOn!,
    payments: byAllocation.get(a.id) ?? [],
  }))
}

const openDataRound = (round: Round) => ({
  id: round.id,
  name: round.name,
  funderId: round.funderId,
  funderName: round.councilName,
  roundDate: round.roundDate,
  measuresAllowed: round.measuresAllowed,
})

// One committed round's 360Giving package, as it stands now.
export async function roundOpenData(db: DbOrTransaction, round: Round) {
  return threeSixtyGivingPackage(openDataRound(round), await openDataGrants(db, round.id, null))
}

// The council's rounds committed by `at`, each with its grants then.
async function councilGrants(db: DbOrTransaction, councilId: string, at: Date) {
  const ids = await db
    .selectFrom('grantRounds')
    .select('id')
    .where('councilId', '=', councilId)
    .where('status', '=', 'committed')
    .where('committedAt', '<=', at)
    .orderBy('roundDate')
    .orderBy('id')
    .execute()
  const rounds = []
  for (const { id } of ids) {
    const round = await findRound(db, id)
    if (round) rounds.push({ round, grants: await openDataGrants(db, id, at) })
  }
  return rounds
}

const sum = (values: bigint[]) => values.reduce((a, b) => a + b, 0n)

async function buildGrantsPublication(db: Db, councilId: string, at: Date): Promise<PublicationContent> {
  const rounds = await councilGrants(db, councilId, at)
  const blocks: Block[] = []
  const providers = new Map<string, NamedProvider>()
  for (const { round, grants } of rounds) {
    const awarded = sum(grants.map((g) => g.amountPence))
    const paid = sum(grants.flatMap((g) => g.payments.map((p) => p.amountPence)))
    blocks.push(
      { type: 'heading', level: 2, text: round.name },
      {
        type: 'paragraph',
        text: `Allocated per ${basisNames[round.basis]} on ${dateInWords(round.snapshotDate)}; the round dated ${dateInWords(round.roundDate)}. ${grants.length} grants accepted, ${pounds(awarded)} awarded, ${pounds(paid)} paid. The money may be spent on: ${round.measuresAllowed.join('; ')}.`,
      },
      {
        type: 'table',
        caption: `Grants from ${round.name}`,
        columns: [
          { key: 'recipient', label: 'Recipient' },
          { key: 'location', label: 'Location' },
          { key: 'awarded', label: 'Amount awarded' },
          { key: 'paid', label: 'Amount paid' },
          { key: 'awardDate', label: 'Accepted on' },
        ],
        rows: grants.map((g) => ({
          recipient: { text: g.providerName },
          location: { text: g.locationName },
          awarded: { text: pounds(g.amountPence) },
          paid: { text: pounds(sum(g.payments.map((p) => p.amountPence))) },
          awardDate: { text: dateInWords(g.acceptedOn) },
        })),
      },
    )
    // Each provider named checks its own grants before the council signs the file off.
    for (const g of grants) {
      const named = providers.get(g.providerId) ?? {
        providerId: g.providerId,
        name: g.providerName,
        figures: [],
      }
      named.figures.push(
        { label: `${round.name}, ${g.locationName}: awarded`, value: pounds(g.amountPence) },
        {
          label: `${round.name}, ${g.locationName}: paid`,
          value: pounds(sum(g.payments.map((p) => p.amountPence))),
        },
      )
      providers.set(g.providerId, named)
    }
  }
  if (rounds.length === 0) blocks.push({ type: 'paragraph', text: 'No grant round had been committed.' })
  return {
    title: 'Grants to care providers',
    summary:
      'The grants the council passed to care providers, round by round: each accepted grant and what has been paid. The same grants are published as a 360Giving Data Standard file.',
    asAt: at.toISOString(),
    blocks,
    providers: [...providers.values()],
  }
}

// Every committed round's grants as one 360Giving package, as they stood at `at`.
async function buildThreeSixtyGivingFile(db: Db, councilId: string, at: Date): Promise<Buffer> {
  const rounds = await councilGrants(db, councilId, at)
  const grants = rounds.flatMap(
    ({ round, grants }) => threeSixtyGivingPackage(openDataRound(round), grants).grants,
  )
  return Buffer.from(`${JSON.stringify({ grants }, null, 2)}\n`, 'utf8')
}

export const grantsPublication: PublicationKind = {
  kind: grantsOpenDataKind,
  name: 'Grants to care providers (360Giving open data)',
  build: buildGrantsPublication,
  dataFile: { name: '360giving.json', mediaType: 'application/json', build: buildThreeSixtyGivingFile },
}
