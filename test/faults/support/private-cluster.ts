import { execFile } from 'node:child_process'
import fs from 'node:fs/promises'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import pgClient from 'pg'
import { createDatabase } from '../../../src/db/database.ts'
import { migrateToLatest } from '../../../src/db/migrate.ts'

const run = promisify(execFile)

// A PostgreSQL cluster of the test's own, on a free loopback port and a socket directory of its own,
// that the test stops, kills and starts again. The shared server on 5432 is never touched: other test
// files use it at the same time. initdb and postgres refuse to run as root, so when the test runs as
// root they run as the postgres user, in a directory it owns.
export type PrivateCluster = {
  port: number
  // postgres://… to the database `name` on this cluster.
  url: (name?: string) => string
  // A fast shutdown (sessions ended, a clean checkpoint) or an immediate one (as a crash: recovery on
  // the next start).
  stop: (mode?: 'fast' | 'immediate') => Promise<void>
  start: () => Promise<void>
  remove: () => Promise<void>
}

const binDir = process.env.PG_BIN_DIR ?? '/usr/lib/postgresql/15/bin'
const asRoot = process.getuid?.() === 0

// Why the suite is skipped when it cannot make a cluster (said out loud by the caller), or null.
export async function clusterUnavailable(): Promise<string | null> {
  if (!process.env.TEST_DATABASE_URL) return 'TEST_DATABASE_URL is not set (the fault tests need PostgreSQL)'
  try {
    await fs.access(path.join(binDir, 'initdb'))
  } catch {
    return `no PostgreSQL server binaries in ${binDir} (set PG_BIN_DIR)`
  }
  return null
}

async function freePort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as net.AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

function pg(command: string, args: string[]) {
  const file = path.join(binDir, command)
  return asRoot ? run('runuser', ['-u', 'postgres', '--', file, ...args]) : run(file, args)
}

export async function startPrivateCluster(settings: Record<string, string> = {}): Promise<PrivateCluster> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'carehub-pg-'))
  if (asRoot) await run('chown', ['postgres:postgres', dir])
  const data = path.join(dir, 'data')
  // trust on loopback only, fsync off: a test cluster, thrown away at the end.
  await pg('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C'])
  const port = await freePort()
  const options = [
    `-p ${port}`,
    `-k ${dir}`,
    `-c listen_addresses=127.0.0.1`,
    '-c fsync=off',
    '-c max_connections=40',
    ...Object.entries(settings).map(([k, v]) => `-c ${k}=${v}`),
  ].join(' ')
  const log = path.join(dir, 'server.log')
  const start = async () => {
    await pg('pg_ctl', ['-D', data, '-o', options, '-l', log, '-w', '-t', '30', 'start'])
  }
  const stop = async (mode: 'fast' | 'immediate' = 'fast') => {
    await pg('pg_ctl', ['-D', data, '-m', mode, '-w', '-t', '30', 'stop'])
  }
  await start()
  let running = true
  return {
    port,
    url: (name = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${name}`,
    stop: async (mode) => {
      await stop(mode)
      running = false
    },
    start: async () => {
      await start()
      running = true
    },
    remove: async () => {
      if (running) await stop('immediate').catch(() => {})
      await fs.rm(dir, { recursive: true, force: true })
    },
  }
}

// A fresh database on the cluster, migrated, for one test file.
export async function createClusterDatabase(cluster: PrivateCluster, name: string): Promise<string> {
  const admin = new pgClient.Client({ connectionString: cluster.url() })
  await admin.connect()
  await admin.query(`create database ${name}`)
  await admin.end()
  const db = createDatabase({ engine: 'postgres', url: cluster.url(name), poolSize: 2 })
  await migrateToLatest(db)
  await db.destroy()
  return cluster.url(name)
}
