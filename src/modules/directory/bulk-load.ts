import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { Kysely, PostgresDialect, type PostgresPool, type PostgresPoolClient, sql } from 'kysely'
import type pg from 'pg'
import { from as copyFrom } from 'pg-copy-streams'
import { type Db, type DbOrTransaction, rawEngineOf } from '../../db/database.ts'
import type { Database } from '../../db/schema.ts'

// A value as COPY's text format and a query parameter both take it: dates and timestamps as ISO
// strings, JSON as its text, bytes (bytea) as a Buffer.
export type BulkValue = string | number | boolean | Buffer | null

// Writes rows (values in the order of `columns`) into a table, inside the transaction that
// inBulkTransaction opened. Table and column names are the code's own, never the user's.
export type BulkLoad = (
  table: string,
  columns: readonly string[],
  rows: Iterable<readonly BulkValue[]>,
) => Promise<void>

// One transaction with a bulk loader beside the usual query builder: all of it is saved or none of it.
// PostgreSQL loads with COPY on the transaction's own connection (one statement a table, streamed, no
// bind parameters to encode); PGlite, which has no COPY from a client stream, takes multi-row INSERTs.
export async function inBulkTransaction<T>(
  db: Db,
  work: (trx: DbOrTransaction, load: BulkLoad) => Promise<T>,
): Promise<T> {
  const raw = rawEngineOf(db)
  if (!raw) throw new Error('Bulk loading needs a database made by createDatabase')
  const skipEmpty =
    (load: BulkLoad): BulkLoad =>
    (table, columns, rows) =>
      Array.isArray(rows) && rows.length === 0 ? Promise.resolve() : load(table, columns, rows)
  if (raw.engine === 'pglite') {
    return db.transaction().execute((trx) =>
      work(
        trx,
        skipEmpty((table, columns, rows) => insertRows(trx, table, columns, rows)),
      ),
    )
  }
  const client = await raw.pool.connect()
  let failed = false
  try {
    // Kysely over this one connection, with the caller's plugins, so that its queries and the COPY
    // statements share the transaction.
    const single = new Kysely<Database>({
      dialect: new PostgresDialect({ pool: oneConnectionPool(client) }),
      plugins: [...db.getExecutor().plugins],
    })
    return await single.transaction().execute((trx) =>
      work(
        trx,
        skipEmpty((table, columns, rows) => copyRows(client, table, columns, rows)),
      ),
    )
  } catch (error) {
    failed = true
    throw error
  } finally {
    // After a failure the connection may be mid-COPY or mid-rollback: discard it rather than reuse it.
    client.release(failed)
  }
}

function oneConnectionPool(client: pg.PoolClient): PostgresPool {
  const connection: PostgresPoolClient = {
    query: ((text: string, parameters: readonly unknown[]) =>
      client.query(text, [...parameters])) as unknown as PostgresPoolClient['query'],
    release: () => {},
  }
  return { connect: async () => connection, end: async () => {}, options: {} }
}

const identifier = /^[a-z_][a-z0-9_]*$/

function columnList(table: string, columns: readonly string[]): string {
  for (const name of [table, ...columns]) {
    if (!identifier.test(name)) throw new Error(`Not a table or column name: ${name}`)
  }
  return `"${table}" (${columns.map((c) => `"${c}"`).join(', ')})`
}

async function copyRows(
  client: pg.PoolClient,
  table: string,
  columns: readonly string[],
  rows: Iterable<readonly BulkValue[]>,
): Promise<void> {
  const stream = client.query(copyFrom(`copy ${columnList(table, columns)} from stdin`))
  // One piece made ahead at most: pieces waiting for the socket would outlive young-generation GCs.
  await pipeline(Readable.from(copyText(rows), { highWaterMark: 1 }), stream)
}

// COPY's text format, in pieces of 64 KB written straight into buffers (no string is built for a row
// or a piece): one line a row, tab between fields, \N for null, bytes in hex, a piece at a time, so a
// file in a bytea column is never copied whole.
export function* copyText(rows: Iterable<readonly BulkValue[]>): Generator<Buffer> {
  const size = 65_536
  let piece = Buffer.allocUnsafe(size)
  let at = 0
  // Whether `text` fits whole in what is left of the piece: UTF-8 takes at most 3 bytes a UTF-16 unit,
  // and only when that bound says no is the text measured.
  const fits = (text: string) => at + text.length * 3 <= size || at + Buffer.byteLength(text) <= size
  for (const row of rows) {
    for (let i = 0; i < row.length; i++) {
      const value = row[i] as BulkValue
      let text = i > 0 ? '\t' : ''
      if (!Buffer.isBuffer(value)) text += copyField(value)
      else {
        // bytea's hex form, \x…, with its backslash escaped for COPY.
        text += '\\\\x'
        for (let from = 0; from < value.length; from += size / 4) {
          text += value.toString('hex', from, from + size / 4)
          if (text.length >= size / 2) {
            if (!fits(text)) {
              yield piece.subarray(0, at)
              piece = Buffer.allocUnsafe(size)
              at = 0
            }
            at += piece.write(text, at, 'latin1')
            text = ''
          }
        }
      }
      if (!fits(text)) {
        if (at > 0) yield piece.subarray(0, at)
        piece = Buffer.allocUnsafe(size)
        at = 0
        // A field longer than a piece (a long text) goes as a piece of its own.
        if (!fits(text)) {
          yield Buffer.from(text)
          continue
        }
      }
      at += piece.write(text, at)
    }
    if (at === size) {
      yield piece
      piece = Buffer.allocUnsafe(size)
      at = 0
    }
    piece[at++] = 0x0a
    if (at > size - 1024) {
      yield piece.subarray(0, at)
      piece = Buffer.allocUnsafe(size)
      at = 0
    }
  }
  if (at > 0) yield piece.subarray(0, at)
}

const specials = /[\\\t\n\r]/
const escapes: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' }

function copyField(value: Exclude<BulkValue, Buffer>): string {
  if (value === null) return '\\N'
  if (typeof value === 'string') {
    return specials.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => escapes[c]!) : value
  }
  if (typeof value === 'boolean') return value ? 't' : 'f'
  return String(value)
}

// PGlite takes bytes as a bind parameter at about 300 ms a megabyte, all of it holding the thread (a
// stored CQC file is megabytes); the same bytes as base64 text, decoded by the database, take a tenth.
function pgliteValue(value: BulkValue) {
  return Buffer.isBuffer(value) ? sql`decode(${value.toString('base64')}, 'base64')` : value
}

// PGlite: the same rows as multi-row INSERTs, with every value a bind parameter.
async function insertRows(
  trx: DbOrTransaction,
  table: string,
  columns: readonly string[],
  rows: Iterable<readonly BulkValue[]>,
): Promise<void> {
  const into = sql.raw(columnList(table, columns))
  // PostgreSQL takes at most 65,535 parameters a statement.
  const perStatement = Math.max(1, Math.floor(60_000 / columns.length))
  let batch: (readonly BulkValue[])[] = []
  const flush = async () => {
    if (batch.length === 0) return
    const values = sql.join(batch.map((row) => sql`(${sql.join(row.map(pgliteValue))})`))
    batch = []
    await sql`insert into ${into} values ${values}`.execute(trx)
  }
  for (const row of rows) {
    batch.push(row)
    if (batch.length === perStatement) await flush()
  }
  await flush()
}
