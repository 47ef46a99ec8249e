import { type Kysely, sql } from 'kysely'

// Frozen once merged: never edit, add a new migration instead.
// A request's page reads what was issued for it; with a million moves in the ledger that was a scan of
// them all (135 ms at p95 in the benchmark, against issue 20's 50 ms). Only issues carry a request.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index ppe_stock_moves_request_idx on ppe_stock_moves (request_id) where request_id is not null`.execute(
    db,
  )
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('ppe_stock_moves_request_idx').execute()
}
