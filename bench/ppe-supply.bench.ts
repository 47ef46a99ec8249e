import { sql } from 'kysely'
import { createDatabase, type Db } from '../src/db/database.ts'
import { fixedClock } from '../src/domain/clock.ts'
import type { Actor } from '../src/domain/policy.ts'
import {
  createPpeSupplyService,
  type PpeSupplyService,
} from '../src/modules/ppe-supply/ppe-supply.service.ts'
import { latencyMeasurement, type NationalMeasurement } from './national.ts'

// Issue 20, criterion 7: a council's PPE stores holding 1,000,000 ledger moves (two stores, six items,
// two years of receipts and daily issues, written the way the ledger's writer leaves them: moves,
// batches, batch balances and item balances that agree). Timed: every item's balance in every store
// as the store page reads it (with its cover from the last 14 days' issues), and a provider's request
// page. The PPE is made for one council of the shared national database and removed after.

const moves = 1_000_000
const today = '2022-03-31'

type State = {
  db: Db
  ppe: PpeSupplyService
  officer: Actor
  manager: Actor
  requestId: string
  councilId: string
}

// `count`: fewer moves for a quick check of the seed itself (scripts, not the measurement).
export async function seedPpeBench(db: Db, log: (line: string) => void, count = moves): Promise<State> {
  const now = new Date(`${today}T12:00:00Z`)
  // A council of the seeded market; its PPE is made for the measurement and removed after it.
  const council = await db
    .selectFrom('organisations')
    .select('id')
    .where('kind', '=', 'council')
    .orderBy('id')
    .executeTakeFirstOrThrow()
  const location = await db
    .selectFrom('locations')
    .select(['id', 'providerId'])
    .orderBy('id')
    .executeTakeFirstOrThrow()
  const items = await db
    .insertInto('ppeItems')
    .values(
      ['Gloves', 'Aprons', 'Type IIR masks', 'FFP3 masks', 'Eye protection', 'Hand sanitiser'].map(
        (name) => ({ councilId: council.id, name, unit: 'unit', packSize: 100, createdAt: now }),
      ),
    )
    .returning('id')
    .execute()
  const stores = await db
    .insertInto('ppeStores')
    .values([
      { councilId: council.id, name: 'Central store', createdAt: now },
      { councilId: council.id, name: 'Hospital hub', createdAt: now },
    ])
    .returning('id')
    .execute()
  // One batch per store, item and week (a weekly receipt), then the moves spread over two years:
  // one receipt per batch, the rest issues of a few units each from that week's batch.
  log(`ppe bench: seeding ${count.toLocaleString('en-GB')} moves`)
  await sql`
    insert into ppe_batches (store_id, item_id, expires_on, received_on)
    select s.id, i.id, (${today}::date - 7 * w + 730), ${today}::date - 7 * w
    from unnest(${stores.map((s) => s.id)}::uuid[]) as s(id), unnest(${items.map((i) => i.id)}::uuid[]) as i(id),
      generate_series(0, 103) as w`.execute(db)
  const batches = 2 * 6 * 104
  const issuesPerBatch = Math.floor((count - batches) / batches)
  await sql`
    insert into ppe_stock_moves (store_id, item_id, batch_id, kind, quantity, occurred_on, source, recorded_at)
    select b.store_id, b.item_id, b.id, 'receipt', ${issuesPerBatch * 5 + 1000}, b.received_on, 'national_portal', now()
    from ppe_batches b join ppe_stores s on s.id = b.store_id where s.council_id = ${council.id}`.execute(db)
  await sql`
    insert into ppe_stock_moves (store_id, item_id, batch_id, kind, quantity, occurred_on, location_id, route, free, unit_price_pence, charged_pence, recorded_at)
    select b.store_id, b.item_id, b.id, 'issue', -(1 + n % 5), b.received_on + (n % 7), ${location.id}, 'emergency', true, 5, 0, now()
    from ppe_batches b join ppe_stores s on s.id = b.store_id, generate_series(1, ${issuesPerBatch}) as n
    where s.council_id = ${council.id}`.execute(db)
  await sql`
    insert into ppe_batch_balances (batch_id, store_id, item_id, quantity)
    select m.batch_id, m.store_id, m.item_id, sum(m.quantity) from ppe_stock_moves m
    join ppe_stores s on s.id = m.store_id where s.council_id = ${council.id} group by m.batch_id, m.store_id, m.item_id`.execute(
    db,
  )
  await sql`
    insert into ppe_stock_balances (store_id, item_id, quantity)
    select b.store_id, b.item_id, sum(b.quantity) from ppe_batch_balances b
    join ppe_stores s on s.id = b.store_id where s.council_id = ${council.id} group by b.store_id, b.item_id`.execute(
    db,
  )
  await sql`analyze ppe_stock_moves`.execute(db)
  const request = await db
    .insertInto('ppeRequests')
    .values({
      councilId: council.id,
      locationId: location.id,
      providerId: location.providerId,
      channel: 'web',
      status: 'requested',
      hasCases: true,
      outbreak: false,
      rag: null,
      priority: 100,
      priorityReasons: '[]',
      targetHours: 24,
      notes: null,
      requestedBy: null,
      requestedAt: now,
      updatedAt: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  await db
    .insertInto('ppeRequestLines')
    .values(
      items.map((i) => ({
        requestId: request.id,
        itemId: i.id,
        quantityAsked: 100,
        coverDays: 0,
        quantityApproved: null,
      })),
    )
    .execute()
  const officer: Actor = {
    userId: council.id,
    role: 'council_officer',
    organisationId: council.id,
    organisationKind: 'council',
    councilIds: [council.id],
    providerId: null,
  }
  const manager: Actor = {
    userId: council.id,
    role: 'provider_manager',
    organisationId: council.id,
    organisationKind: 'provider',
    councilIds: [],
    providerId: location.providerId,
  }
  const ppe = createPpeSupplyService({ db, clock: fixedClock(now) })
  return { db, ppe, officer, manager, requestId: request.id, councilId: council.id }
}

export async function removePpeBench(state: State) {
  const { db, councilId } = state
  const stores = sql`(select id from ppe_stores where council_id = ${councilId})`
  await sql`delete from ppe_request_lines where request_id in (select id from ppe_requests where council_id = ${councilId})`.execute(
    db,
  )
  await sql`delete from ppe_stock_moves where store_id in ${stores}`.execute(db)
  await sql`delete from ppe_requests where council_id = ${councilId}`.execute(db)
  await sql`delete from ppe_batch_balances where store_id in ${stores}`.execute(db)
  await sql`delete from ppe_stock_balances where store_id in ${stores}`.execute(db)
  await sql`delete from ppe_batches where store_id in ${stores}`.execute(db)
  await sql`delete from ppe_stores where council_id = ${councilId}`.execute(db)
  await sql`delete from ppe_items where council_id = ${councilId}`.execute(db)
  await db.destroy()
}

const setUp = async ({ databaseUrl, log }: { databaseUrl: string; log: (line: string) => void }) =>
  seedPpeBench(createDatabase({ engine: 'postgres', url: databaseUrl, poolSize: 2 }), log)

export const ppeMeasurements: NationalMeasurement[] = [
  latencyMeasurement<State>({
    id: 'ppe-balances-1m-moves',
    title: 'PPE balances of every item in every store, 1,000,000 ledger moves',
    timed:
      'stock.balances(officer): every store × item balance, threshold and the last 14 days’ issues (cover)',
    target: { p95Ms: 50, maxRatio: null },
    iterations: 200,
    setup: setUp,
    call: (s) => s.ppe.stock.balances(s.officer),
    verify: async (s) => {
      const rows = (await s.ppe.stock.balances(s.officer))!
      const ledger = await sql<{
        q: string
      }>`select sum(quantity) as q from ppe_stock_moves where store_id in (select id from ppe_stores where council_id = ${s.councilId})`.execute(
        s.db,
      )
      if (rows.reduce((t, r) => t + r.balance, 0) !== Number(ledger.rows[0]!.q))
        throw new Error('balances differ from the ledger')
    },
    teardown: removePpeBench,
  }),
  latencyMeasurement<State>({
    id: 'ppe-request-page-1m-moves',
    title: 'A provider’s PPE request page, 1,000,000 ledger moves',
    timed: 'requests.get(provider manager, request): the request, its lines and its issues',
    target: { p95Ms: 50, maxRatio: null },
    iterations: 200,
    setup: setUp,
    call: (s) => s.ppe.requests.get(s.manager, s.requestId),
    teardown: removePpeBench,
  }),
]
