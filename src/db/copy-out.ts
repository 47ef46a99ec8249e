import { randomBytes } from 'node:crypto'
import { PassThrough, type Readable, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { CompiledQuery } from 'kysely'
import type pg from 'pg'
import { to as copyTo } from 'pg-copy-streams'
import { type DbOrTransaction, rawEngineOf } from './database.ts'

// A query's rows as CSV straight from the database (`COPY (select …) TO STDOUT`): the database writes
// the bytes, the process only passes them on, so a million rows cost what the socket costs.
//
// COPY takes no bind parameters, and the values in a query (a council's id, a date typed by the user)
// must never be spliced into its text. So each `$n` of the compiled query is replaced by a read of the
// transaction's own setting `carehub.copy_parameters` (the values, as the JSON array of their text
// forms, set with a bind parameter), cast to the type PostgreSQL infers for `$n` when it prepares the
// query. The read is an uncorrelated sub-select: worked out once per statement, never per row.
//
// PostgreSQL: one read-only snapshot, every query's COPY streamed in order with pg-copy-streams, with
// backpressure, on one connection or several (see copyFromPostgres). PGlite has no client stream:
// each query is copied to its `/dev/blob` device in a short transaction of its own (the caller passes
// small pieces, e.g. a week each), so the embedded database is never held for the length of a download.

// Planning: JIT compiling a SELECT of dozens of CASE cells took 56 s of a 58 s COPY of 32,000 rows
// (national scale), so it is off. `inIndexOrder`: the rows' order comes from an index, which the
// planner cannot see when the values are read from the setting (it guesses a few thousand rows and
// sorts them; a national export spilled a sort of half a gigabyte to disk).
//
// `prefixes`: each query gives two columns, a key (a uuid) and the rest of a line of CSV, and this query,
// run once in the same snapshot, gives each key's start of the line (`key`, `prefix`): what repeats from
// row to row (a location's cells before each of its returns) is worked out once. COPY's text format
// sends the rest as it is but for its backslash escapes (a line break inside a quoted cell arrives as
// \n), undone here (`unescapeText`); its CSV format would quote the whole line again.
export type CopyOptions = { inIndexOrder?: boolean; connections?: number; prefixes?: CompiledQuery }

const copyFormat = (options: CopyOptions) => (options.prefixes ? '' : ' with (format csv)')

export function copyCsv(
  db: DbOrTransaction,
  queries: readonly CompiledQuery[],
  header: string,
  options: CopyOptions = {},
): Readable {
  const raw = rawEngineOf(db)
  if (!raw) throw new Error('COPY needs a database made by createDatabase')
  const out = new PassThrough()
  out.write(header)
  const done =
    raw.engine === 'postgres'
      ? copyFromPostgres(raw.pool, queries, out, options)
      : copyFromPglite(raw.pglite, queries, out, options)
  done.then(
    () => out.end(),
    (error: Error) => out.destroy(error),
  )
  return out
}

type Runner = {
  query: (text: string, values?: unknown[]) => Promise<{ rows: Record<string, unknown>[] }>
}

// Several connections (`connections`, PostgreSQL only): the first exports its snapshot
// (pg_export_snapshot) and the others take it, so every part reads the same data; connection k runs
// queries k, k + n, … in turn, each on its own core. The query due next streams straight into `out`;
// one running ahead is held in memory, up to about twice `aheadBytes` (then its COPY waits on the
// socket), and a connection starts its next query only once its last one has begun to be written out,
// so at most one query's bytes per connection are held, whatever the size of the export.
export const aheadBytes = 16 * 1024 * 1024

function signal() {
  let resolve = () => {}
  let reject: (error: Error) => void = () => {}
  const promise = new Promise<void>((yes, no) => {
    resolve = yes
    reject = no
  })
  promise.catch(() => {})
  return { promise, resolve, reject }
}

async function copyFromPostgres(
  pool: pg.Pool,
  queries: readonly CompiledQuery[],
  out: PassThrough,
  options: CopyOptions,
) {
  const count = Math.max(1, Math.min(options.connections ?? 1, queries.length, pool.options.max ?? 1))
  const clients: pg.PoolClient[] = []
  const parts = queries.map(() => new PassThrough({ highWaterMark: aheadBytes }))
  const begun = queries.map(signal)
  let failure: Error | null = null
  // The first failure (a query's, or the download's) stops every part, so no connection waits forever.
  const stop = (error: Error) => {
    if (failure) return
    failure = error
    for (const part of parts) part.destroy(error)
    for (const b of begun) b.reject(error)
  }
  try {
    for (let k = 0; k < count; k++) clients.push(await pool.connect())
    await clients[0]!.query('begin isolation level repeatable read read only')
    if (count > 1) {
      const { rows } = await clients[0]!.query('select pg_export_snapshot() as id')
      const snapshot = String(rows[0]!.id)
      if (!/^[0-9A-F-]+$/i.test(snapshot)) throw new Error('Unexpected snapshot id')
      for (const client of clients.slice(1)) {
        await client.query('begin isolation level repeatable read read only')
        await client.query(`set transaction snapshot '${snapshot}'`)
      }
    }
    const prefixes = options.prefixes && (await prefixesFrom(clients[0]!, options.prefixes))
    const writer = async () => {
      for (const [i, part] of parts.entries()) {
        begun[i]!.resolve()
        await writeInto(part, out)
      }
    }
    const reader = async (client: pg.PoolClient, k: number) => {
      const run: Runner = { query: (text, values) => client.query(text, values) }
      await plan(run, options)
      const texts = new Map<string, string>()
      for (let i = k; i < queries.length; i += count) {
        if (i >= count) await begun[i - count]!.promise
        const query = queries[i]!
        const text = await copyText(run, query, texts)
        await setParameters(run, query)
        const copy = client.query(copyTo(`copy (${text}) to stdout${copyFormat(options)}`))
        if (prefixes) await pipeline(copy, prefixedLines(prefixes), parts[i]!)
        else await pipeline(copy, parts[i]!)
      }
      await client.query('commit')
    }
    const tasks = [writer(), ...clients.map(reader)].map((task) =>
      task.catch((error: Error) => {
        stop(error)
        throw error
      }),
    )
    await Promise.allSettled(tasks)
    if (failure) throw failure
  } catch (error) {
    stop(error as Error)
    throw error
  } finally {
    // A connection left mid-COPY cannot be reused.
    for (const client of clients) client.release(failure ?? undefined)
  }
}

// A part's bytes into the download, waiting while it is full (a pipeline per part would leave its
// listeners on the download, one set per part).
async function writeInto(part: PassThrough, out: PassThrough) {
  for await (const chunk of part) {
    if (out.destroyed) throw new Error('The download was closed')
    if (!out.write(chunk)) await drained(out)
  }
}

function drained(out: PassThrough) {
  return new Promise<void>((resolve, reject) => {
    const settle = (error?: Error) => {
      out.off('drain', onDrain)
      out.off('close', onClose)
      if (error) reject(error)
      else resolve()
    }
    const onDrain = () => settle()
    const onClose = () => settle(new Error('The download was closed'))
    out.on('drain', onDrain)
    out.on('close', onClose)
  })
}

type Pglite = Extract<NonNullable<ReturnType<typeof rawEngineOf>>, { engine: 'pglite' }>['pglite']

async function copyFromPglite(
  pglite: Pglite,
  queries: readonly CompiledQuery[],
  out: PassThrough,
  options: CopyOptions,
) {
  const texts = new Map<string, string>()
  const prefixes =
    options.prefixes &&
    (await prefixesFrom(
      { query: async (text, values) => ({ rows: (await pglite.query(text, values)).rows as Row[] }) },
      options.prefixes,
    ))
  for (const query of queries) {
    const blob = await pglite.transaction(async (tx) => {
      const run: Runner = {
        query: async (text, values) => ({
          rows: (await tx.query(text, values)).rows as Record<string, unknown>[],
        }),
      }
      await plan(run, options)
      const text = await copyText(run, query, texts)
      await setParameters(run, query)
      return (await tx.query(`copy (${text}) to '/dev/blob'${copyFormat(options)}`)).blob
    })
    if (!blob) continue
    const copied = Buffer.from(await blob.arrayBuffer())
    const bytes = prefixes ? lineJoiner(prefixes).join(copied, true) : copied
    if (!out.write(bytes)) await new Promise((resolve) => out.once('drain', resolve))
  }
}

// COPY's text format writes a backslash before a backslash and as \b \f \n \r \t \v the control
// characters; everything else as it is. Most chunks hold no backslash and pass through untouched.
const escapes: Record<number, number> = { 98: 8, 102: 12, 110: 10, 114: 13, 116: 9, 118: 11 }

function unescapeText(text: Buffer): Buffer {
  if (text.indexOf(92) === -1) return text
  const out = Buffer.allocUnsafe(text.length)
  let n = 0
  let escaped = false
  for (const byte of text) {
    if (escaped) {
      out[n++] = escapes[byte] ?? byte
      escaped = false
    } else if (byte === 92) escaped = true
    else out[n++] = byte
  }
  return out.subarray(0, n)
}

type Row = Record<string, unknown>

async function prefixesFrom(run: Runner, query: CompiledQuery): Promise<Map<string, Buffer>> {
  const { rows } = await run.query(query.sql, [...query.parameters])
  return new Map(rows.map((r) => [String(r.key), Buffer.from(String(r.prefix))]))
}

// Rows of COPY's text format, `<uuid>\t<rest>\n`, as lines of CSV: the uuid's prefix, then the rest
// with its escapes undone. A row may arrive split across chunks; escapes never cross a row's end.
const keyLength = 36
export function lineJoiner(prefixes: Map<string, Buffer>) {
  let held: Buffer | null = null
  return {
    join(chunk: Buffer, last = false): Buffer {
      const data = held ? Buffer.concat([held, chunk]) : chunk
      const escaped = data.indexOf(92) !== -1
      const out: Buffer[] = []
      let start = 0
      for (let end = data.indexOf(10); end !== -1; end = data.indexOf(10, start)) {
        const prefix = prefixes.get(data.toString('latin1', start, start + keyLength))
        if (!prefix || data[start + keyLength] !== 9) throw new Error('A copied row has no known key')
        const rest = data.subarray(start + keyLength + 1, end + 1)
        out.push(prefix, escaped ? unescapeText(rest) : rest)
        start = end + 1
      }
      held = start < data.length ? data.subarray(start) : null
      if (last && held) throw new Error('The copy ended in the middle of a row')
      return Buffer.concat(out)
    },
  }
}

function prefixedLines(prefixes: Map<string, Buffer>): Transform {
  const joiner = lineJoiner(prefixes)
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      try {
        done(null, joiner.join(chunk))
      } catch (error) {
        done(error as Error)
      }
    },
    flush(done) {
      try {
        joiner.join(Buffer.alloc(0), true)
        done()
      } catch (error) {
        done(error as Error)
      }
    },
  })
}

async function plan(run: Runner, options: CopyOptions) {
  await run.query('set local jit = off')
  // Dates as text are then YYYY-MM-DD whatever the server's default, so a query may write date::text
  // (much cheaper than to_char for a million rows).
  await run.query("set local datestyle = 'ISO, YMD'")
  if (options.inIndexOrder) await run.query('set local enable_sort = off')
}

// The query's text with each `$n` read from the setting, typed as PostgreSQL types `$n` (asked once per
// text: pieces of one export share it).
async function copyText(run: Runner, query: CompiledQuery, texts: Map<string, string>): Promise<string> {
  const known = texts.get(query.sql)
  if (known) return known
  const name = `carehub_copy_${randomBytes(6).toString('hex')}`
  await run.query(`prepare ${name} as ${query.sql}`)
  let types: string[]
  try {
    const { rows } = await run.query(
      'select parameter_types::text[] as types from pg_prepared_statements where name = $1',
      [name],
    )
    types = rows[0]!.types as string[]
  } finally {
    await run.query(`deallocate ${name}`)
  }
  const text = query.sql.replace(/\$(\d+)\b/g, (_, n: string) => {
    const type = types[Number(n) - 1]
    if (!type || !/^[a-z][a-z0-9_ ."[\]]*$/i.test(type)) throw new Error(`No type for parameter ${n}`)
    return `(select cast(current_setting('carehub.copy_parameters')::jsonb ->> ${Number(n) - 1} as ${type}))`
  })
  texts.set(query.sql, text)
  return text
}

// The values as PostgreSQL reads bind parameters sent as text, for this transaction only.
async function setParameters(run: Runner, query: CompiledQuery) {
  await run.query(`select set_config('carehub.copy_parameters', $1, true)`, [
    JSON.stringify(query.parameters.map(parameterText)),
  ])
}

export function parameterText(value: unknown): string | null {
  if (value === null || value === undefined) return null
  if (value instanceof Date) return value.toISOString()
  if (Array.isArray(value)) {
    const items = value.map((item) => {
      const text = parameterText(item)
      return text === null ? 'NULL' : `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`
    })
    return `{${items.join(',')}}`
  }
  if (typeof value === 'object') return JSON.stringify(value)
  return String(value)
}
