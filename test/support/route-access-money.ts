import type { Db } from '../../src/db/database.ts'
import type { RoundDraft } from '../../src/modules/grants/domain/round-rules.ts'
import { insertRound } from '../../src/modules/grants/grants.repository.ts'
import type { RecordKind } from '../../src/web/route-access.ts'

// The route-table suite's PPE, grants and payments records (test/support/route-access-world.ts): a
// council's store, item, grant rounds and payment run and upload, and a provider's PPE request, grant
// allocation and payment line, for each side of the world. A provider's records of another provider
// in the same council hang off that council's round and run.

// One side of the world as these records need it: its council, provider (and its organisation),
// location, the provider's manager and one of the council's users (who prepared the council's run).
export type RecordSide = {
  council: string
  provider: string
  providerOrg: string
  location: string
  manager: string
  councilUser: string
}
export type Sides = Record<RecordKind, RecordSide>
export type Made = Record<string, Partial<Record<RecordKind, Record<string, string>>>>

const day = new Date('2020-04-14T08:00:00Z')

const round = (name: string): RoundDraft => ({
  name,
  potPence: 1_000_000n,
  retainedPence: 0n,
  retainedPurpose: null,
  formulaShareBp: 10_000,
  homeCareShareBp: 0,
  basis: 'registered_beds',
  snapshotDate: '2020-04-01',
  roundDate: '2020-04-10',
  passOnWorkingDays: 10,
  tranches: [{ number: 1, payOn: '2020-05-01', shareBp: 10_000 }],
  measuresAllowed: ['Isolating residents'],
  measuresNotAllowed: ['PPE'],
  rules: ['registered-open'],
  clawbackUnspent: true,
  funderId: 'GB-LAE-ABC',
})

export async function moneyRecords(db: Db, sides: Sides): Promise<Made> {
  const made: Made = {}
  const put = (kind: RecordKind, name: string, params: Record<string, string>) => {
    made[name] = { ...made[name], [kind]: params }
  }
  // What a council holds, made once for the council of each side that has one of its own.
  const councilHeld = new Map<string, { roundId: string; runId: string }>()
  for (const kind of ['own', 'otherCouncil'] as const) {
    const s = sides[kind]
    const store = await db
      .insertInto('ppeStores')
      .values({ councilId: s.council, name: 'Central store', createdAt: day })
      .returning('id')
      .executeTakeFirstOrThrow()
    const item = await db
      .insertInto('ppeItems')
      .values({ councilId: s.council, name: 'Gloves', unit: 'glove', packSize: 100, createdAt: day })
      .returning('id')
      .executeTakeFirstOrThrow()
    put(kind, 'ppeStore', { id: store.id })
    put(kind, 'ppeItem', { id: item.id })

    const draft = await insertRound(db, s.council, round('Round 2 (draft)'), s.councilUser, day)
    const committed = await insertRound(db, s.council, round('Round 1'), s.councilUser, day)
    await db
      .updateTable('grantRounds')
      .set({ status: 'committed', committedBy: s.councilUser, committedAt: day })
      .where('id', '=', committed)
      .execute()
    const tranche = await db
      .selectFrom('grantTranches')
      .select('id')
      .where('roundId', '=', committed)
      .executeTakeFirstOrThrow()
    put(kind, 'grantRound', { id: draft })
    put(kind, 'grantRoundCommitted', { id: committed, trancheId: tranche.id })

    const upload = await db
      .insertInto('paymentImports')
      .values({
        councilId: s.council,
        kind: 'packages',
        fileName: 'packages.csv',
        rows: JSON.stringify([]),
        problems: JSON.stringify([]),
        rowCount: 0,
        status: 'previewed',
        createdBy: s.councilUser,
        createdAt: day,
        savedAt: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    const run = await db
      .insertInto('paymentRuns')
      .values({
        councilId: s.council,
        reference: 'RUN-1',
        kind: 'standard',
        adjustsRunId: null,
        periodStart: '2020-04-01',
        periodEnd: '2020-05-01',
        status: 'prepared',
        preparedBy: s.councilUser,
        preparedAt: day,
        approvedBy: null,
        approvedAt: null,
        totalPence: 10_000,
        heldPence: 0,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    put(kind, 'paymentImport', { id: upload.id })
    put(kind, 'paymentRun', { id: run.id })
    councilHeld.set(s.council, { roundId: committed, runId: run.id })
  }

  // What a provider holds, in its council's round and run.
  for (const [kind, s] of Object.entries(sides) as [RecordKind, RecordSide][]) {
    const { roundId, runId } = councilHeld.get(s.council)!
    const request = await db
      .insertInto('ppeRequests')
      .values({
        councilId: s.council,
        locationId: s.location,
        providerId: s.provider,
        channel: 'web',
        status: 'requested',
        hasCases: false,
        outbreak: false,
        rag: null,
        priority: 1,
        priorityReasons: JSON.stringify([]),
        targetHours: 24,
        notes: null,
        requestedBy: s.manager,
        requestedAt: day,
        decidedBy: null,
        decidedAt: null,
        declineReason: null,
        storeId: null,
        pickedAt: null,
        dispatchedAt: null,
        deliveredAt: null,
        receivedBy: null,
        updatedAt: day,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    const allocation = await db
      .insertInto('grantAllocations')
      .values({
        roundId,
        locationId: s.location,
        providerId: s.provider,
        basisValue: 20,
        eligible: true,
        reason: null,
        amountPence: 50_000n,
        explanation: '20 beds at £25 a bed',
        decision: null,
        decidedByName: null,
        decidedOn: null,
        decidedBy: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    const line = await db
      .insertInto('paymentLines')
      .values({
        runId,
        providerId: s.provider,
        locationId: s.location,
        packageId: null,
        schemeId: null,
        correctsLineId: null,
        serviceType: 'care_home_residential',
        contracted: true,
        amountPence: 5_000,
        explanation: 'Uplift of 10%',
        holdReason: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    put(kind, 'ppeRequest', { id: request.id })
    put(kind, 'grantAllocation', { id: allocation.id })
    put(kind, 'paymentLine', { id: line.id })
  }
  return made
}
