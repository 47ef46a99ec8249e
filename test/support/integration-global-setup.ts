import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import type { TestProject } from 'vitest/node'
import { createDatabase, createMigratableMemoryDatabase, rawEngineOf } from '../../src/db/database.ts'
import { migrateToLatest } from '../../src/db/migrate.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    // A PGlite dump of an empty, migrated database ('' when none was made).
    migratedPgliteDump: string
    // A PostgreSQL database, migrated and empty, to create each test's database from ('' when none).
    migratedPostgresTemplate: string
    // The start of the name of every PostgreSQL database this run's files make, dropped at its end.
    testDatabasePrefix: string
  }
}

type Prepared = { dump: string; template: string; prefix: string; teardown: () => Promise<void> }

// The two integration projects (integration, integration-alone) share one set-up: vitest runs each
// project's global set-up in turn before any file starts, so a second copy of the same databases was
// made while the rest of the run waited. The set-ups run in vitest's own process; the copies live in
// it, counted, and the last project's teardown removes them.
const shared = globalThis as { carehubIntegrationSetup?: { prepared: Promise<Prepared>; users: number } }

// Every integration file starts from a fresh, migrated database of its own. Migrating each one (and,
// for PGlite, initialising it) cost about 2 s a file on each engine; a copy of one migrated database
// costs a fraction of that. The copy is made here once per run, from the migrations as they are now.
export default async function setup(project: TestProject) {
  shared.carehubIntegrationSetup ??= { prepared: prepare(), users: 0 }
  const setUp = shared.carehubIntegrationSetup
  setUp.users++
  const { dump, template, prefix, teardown } = await setUp.prepared
  project.provide('migratedPgliteDump', dump)
  project.provide('migratedPostgresTemplate', template)
  project.provide('testDatabasePrefix', prefix)
  return async () => {
    if (--setUp.users > 0) return
    shared.carehubIntegrationSetup = undefined
    await teardown()
  }
}

async function prepare(): Promise<Prepared> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'carehub-integration-'))
  const file = path.join(dir, 'migrated.tar')
  const db = createMigratableMemoryDatabase()
  try {
    await migrateToLatest(db)
    const raw = rawEngineOf(db)
    if (raw?.engine !== 'pglite') throw new Error('expected PGlite')
    const dump = await raw.pglite.dumpDataDir('none')
    fs.writeFileSync(file, Buffer.from(await dump.arrayBuffer()))
  } finally {
    await db.destroy()
  }
  const adminUrl = process.env.TEST_DATABASE_URL
  let template = ''
  if (adminUrl) {
    template = `carehub_template_${randomBytes(6).toString('hex')}`
    await adminQuery(adminUrl, `create database ${template}`)
    const url = new URL(adminUrl)
    url.pathname = `/${template}`
    const pgDb = createDatabase({ engine: 'postgres', url: url.toString(), poolSize: 1 })
    try {
      await migrateToLatest(pgDb)
    } finally {
      // No session may stay connected to a template while databases are copied from it.
      await pgDb.destroy()
    }
  }
  const prefix = adminUrl ? `carehub_test_${randomBytes(4).toString('hex')}` : ''

  const teardown = async () => {
    fs.rmSync(dir, { recursive: true, force: true })
    if (!adminUrl) return
    const client = new pg.Client({ connectionString: adminUrl })
    await client.connect()
    try {
      const made = await client.query<{ name: string }>(
        `select datname as name from pg_database where starts_with(datname, $1)`,
        [`${prefix}_`],
      )
      for (const { name } of made.rows) await client.query(`drop database if exists ${name} with (force)`)
      if (template) await client.query(`drop database if exists ${template} with (force)`)
    } finally {
      await client.end()
    }
  }
  return { dump: file, template, prefix, teardown }
}

async function adminQuery(url: string, statement: string) {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query(statement)
  } finally {
    await client.end()
  }
}
