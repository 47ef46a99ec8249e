import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { sql } from 'kysely'
import type pg from 'pg'
import { from as copyFrom } from 'pg-copy-streams'
import type { Db } from '../database.ts'
import { copyLine, returnCopyLine, returnRow, situationReturnColumns } from './copy-text.ts'
import type { GeneratedReturn } from './national-returns.ts'

// Where the national seed's rows go: COPY on PostgreSQL, batched INSERTs on PGlite (no COPY from a stream).

export type Row = (string | number | boolean | null)[]
export type Sink = {
  rows(table: string, columns: readonly string[], rows: Row[]): Promise<void>
  // The returns, as COPY text lines (PostgreSQL) or rows (PGlite), in chunks.
  returns(chunks: AsyncIterable<GeneratedReturn[]>): Promise<void>
}

export type Queryable = { query: (text: string) => Promise<{ rows: Record<string, unknown>[] }> }

export function postgresSink(client: pg.Client): Sink {
  const copy = (
    table: string,
    columns: readonly string[],
    source: AsyncIterable<string> | Iterable<string>,
  ) =>
    pipeline(
      Readable.from(source),
      client.query(copyFrom(`copy ${table} (${columns.join(', ')}) from stdin`)),
    )
  return {
    async rows(table, columns, rows) {
      if (rows.length === 0) return
      await copy(table, columns, batched(rows.map(copyLine)))
    },
    async returns(chunks) {
      await copy('situation_returns', situationReturnColumns, textOf(chunks))
    },
  }
}

// About half a megabyte per write: fewer, larger writes keep the COPY stream busy.
function* batched(lines: string[]): Iterable<string> {
  for (let i = 0; i < lines.length; i += 1_000) yield lines.slice(i, i + 1_000).join('')
}

async function* textOf(chunks: AsyncIterable<GeneratedReturn[]>): AsyncIterable<string> {
  for await (const chunk of chunks) {
    let text = ''
    for (const r of chunk) text += returnCopyLine(r)
    yield text
  }
}

export function kyselySink(
  trx: Parameters<Parameters<ReturnType<Db['transaction']>['execute']>[0]>[0],
): Sink {
  const insert = async (table: string, columns: readonly string[], rows: Row[]) => {
    for (let i = 0; i < rows.length; i += 500) {
      const batch = rows.slice(i, i + 500)
      await sql`insert into ${sql.table(table)} (${sql.join(columns.map((c) => sql.ref(c)))}) values ${sql.join(
        batch.map((r) => sql`(${sql.join(r.map((v) => sql`${v}`))})`),
      )}`.execute(trx)
    }
  }
  return {
    rows: insert,
    async returns(chunks) {
      for await (const chunk of chunks)
        await insert('situation_returns', situationReturnColumns, chunk.map(returnRow))
    },
  }
}
