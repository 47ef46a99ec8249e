import { type Insertable, sql } from 'kysely'
import { type DbOrTransaction, rawEngineOf } from '../database.ts'
import type { Database } from '../schema.ts'
import { copyLine } from './copy-text.ts'

const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)
const identifier = /^[a-z_][a-z0-9_]*$/
let files = 0

// Saves many rows of one table within the caller's transaction. On PGlite, one COPY from a file in its
// in-memory file system: a statement with no parameters to bind, 3–4 times cheaper than INSERTs for
// the demo's returns (PGlite takes no COPY from a client stream, and its `/dev/blob` only with a query
// of its own, outside the transaction). On PostgreSQL, whose server cannot read our files, multi-row
// INSERTs of 1,000.
export async function copyInto<T extends keyof Database & string>(
  db: DbOrTransaction,
  table: T,
  rows: Insertable<Database[T]>[],
): Promise<void> {
  if (rows.length === 0) return
  const raw = rawEngineOf(db)
  if (raw?.engine !== 'pglite') {
    for (let i = 0; i < rows.length; i += 1000) {
      await db
        .insertInto(table)
        .values(rows.slice(i, i + 1000) as never)
        .execute()
    }
    return
  }
  const columns = Object.keys(rows[0]!)
  const names = [table, ...columns].map(snake)
  for (const name of names) if (!identifier.test(name)) throw new Error(`Not a table or column name: ${name}`)
  const text = rows
    .map((row) => {
      const values = row as Record<string, unknown>
      return copyLine(columns.map((c) => copyValue(values[c])))
    })
    .join('')
  const file = `/tmp/carehub-copy/${++files}.tsv`
  raw.pglite.copyToFS(file, Buffer.from(text))
  try {
    await sql.raw(`copy ${names[0]} (${names.slice(1).join(', ')}) from '${file}'`).execute(db)
  } finally {
    // Emptied rather than left in the in-memory file system (PGlite offers no removal).
    raw.pglite.copyToFS(file, new Uint8Array())
  }
}

function copyValue(value: unknown): string | number | boolean | null {
  if (value === null || value === undefined) return null
  if (value instanceof Date) return value.toISOString()
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value
  return JSON.stringify(value)
}
