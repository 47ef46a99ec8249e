import { randomBytes } from 'node:crypto'
import pg from 'pg'

export const defaultServerUrl = 'postgres://postgres@127.0.0.1:5432/test'

// The server to measure: BENCH_DATABASE_URL, else the local test server when it answers. Each run gets
// a fresh database created on that server (carehub_bench_<random>) and dropped afterwards, as the tests
// do, so the URL's own database is only used to connect and is never written to.
export async function findServer(): Promise<
  { url: string; source: string; version: string } | { url: null; reason: string }
> {
  const configured = process.env.BENCH_DATABASE_URL
  const url = configured || defaultServerUrl
  const source = configured ? 'BENCH_DATABASE_URL' : `default (${defaultServerUrl})`
  try {
    const version = await withClient(url, async (c) => (await c.query('select version()')).rows[0].version)
    return { url, source, version: String(version) }
  } catch (error) {
    const reason = `${source} is not reachable: ${error instanceof Error ? error.message : String(error)}`
    if (configured) throw new Error(reason)
    return { url: null, reason }
  }
}

export async function createFreshDatabase(
  serverUrl: string,
): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `carehub_bench_${randomBytes(6).toString('hex')}`
  await withClient(serverUrl, (c) => c.query(`create database ${name}`))
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    drop: () =>
      withClient(serverUrl, (c) => c.query(`drop database if exists ${name} with (force)`)).then(() => {}),
  }
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 })
  await client.connect()
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}
