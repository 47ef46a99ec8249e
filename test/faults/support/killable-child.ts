import { spawn } from 'node:child_process'
import pg from 'pg'
import { sleep } from './app-on-cluster.ts'

// A CareHub process the test runs against its own database and may kill, with what it printed.
export function startChild(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, args, {
    env: { ...process.env, LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (chunk) => {
    output += chunk
  })
  child.stderr.on('data', (chunk) => {
    output += chunk
  })
  const exited = new Promise<{ code: number | null; signal: string | null; output: string }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, output })),
  )
  return { child, exited }
}

// The database's URL with the connections' application_name, by which the test finds them.
export function urlNamed(url: string, applicationName: string): string {
  const named = new URL(url)
  named.searchParams.set('application_name', applicationName)
  return named.toString()
}

// Holds a table locked from a connection of the test's own: whoever writes to it waits, in the middle
// of their transaction, until it is let go.
export async function lockTable(url: string, table: string) {
  const admin = new pg.Client({ connectionString: url })
  await admin.connect()
  await admin.query('begin')
  await admin.query(`lock table ${table} in exclusive mode`)
  return async () => {
    await admin.query('rollback')
    await admin.end()
  }
}

// Waits until a connection named `applicationName` waits for `table`'s lock inside a transaction, and
// says which tables it has already written to in that transaction (held "row exclusive").
// `until.stopped`: the caller no longer waits (the process ended first).
export async function waitUntilBlockedOn(
  url: string,
  applicationName: string,
  table: string,
  until: { stopped: boolean } = { stopped: false },
) {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    for (let i = 0; i < 600 && !until.stopped; i++) {
      const { rows } = await client.query<{ pid: number; written: string[] }>(
        `select a.pid, array(
           select c.relname::text from pg_locks l join pg_class c on c.oid = l.relation
           where l.pid = a.pid and l.granted and l.mode = 'RowExclusiveLock' and c.relkind = 'r'
           order by 1) as written
         from pg_stat_activity a
         where a.datname = current_database() and a.application_name = $1 and a.xact_start is not null
           and exists (select 1 from pg_locks l where l.pid = a.pid and not l.granted
                       and l.relation = $2::regclass)`,
        [applicationName, table],
      )
      if (rows[0]) return rows[0]
      await sleep(100)
    }
    throw new Error(`no connection of ${applicationName} waited for ${table}`)
  } finally {
    await client.end()
  }
}

// Waits until the server has ended every connection named `applicationName` (a client that died is
// noticed when its connection is next read, and its transaction rolled back).
export async function waitUntilGone(url: string, applicationName: string) {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    for (let i = 0; i < 300; i++) {
      const { rows } = await client.query(
        `select 1 from pg_stat_activity where datname = current_database() and application_name = $1`,
        [applicationName],
      )
      if (rows.length === 0) return
      await sleep(100)
    }
    throw new Error(`the connections of ${applicationName} were still open after 30 seconds`)
  } finally {
    await client.end()
  }
}
