import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BackupRefused, type BackupTarget, backupDatabase, restoreDatabase } from '../../src/db/backup.ts'
import { createDatabase, type Db } from '../../src/db/database.ts'
import { migrateToLatest } from '../../src/db/migrate.ts'
import { loadDemoCounty } from '../../src/db/seed/demo-county.ts'
import { fixedClock } from '../../src/domain/clock.ts'
import { tableChecksums } from '../support/table-checksums.ts'
import { createTestDatabase, type Engine, engines, type TestDatabase } from '../support/test-database.ts'

// Issue 26: backup → wipe → restore gives every table back, row for row, on each engine.
const clock = fixedClock(new Date('2020-06-30T08:00:00Z'))

// A database holding a small demo county, on the engine under test, and a way to wipe it and reopen it.
type Install = {
  target: BackupTarget
  open: () => Db
  wipe: () => Promise<void>
  drop: () => Promise<void>
}

async function installOn(engine: Engine, dir: string): Promise<Install> {
  if (engine === 'pglite') {
    const dataDir = path.join(dir, 'data')
    const db = createDatabase({ engine: 'pglite', dataDir })
    await migrateToLatest(db)
    await loadDemoCounty(db, clock, 40)
    await db.destroy()
    return {
      target: { engine: 'pglite', dataDir },
      open: () => createDatabase({ engine: 'pglite', dataDir }),
      wipe: async () => fs.rmSync(dataDir, { recursive: true, force: true }),
      drop: async () => {},
    }
  }
  let database: TestDatabase = await createTestDatabase('postgres')
  await loadDemoCounty(database.db, clock, 40)
  await database.db.destroy()
  const target = { engine: 'postgres' as const, url: database.url! }
  return {
    target,
    open: () => createDatabase({ engine: 'postgres', url: target.url, poolSize: 1 }),
    // Wiped: the database dropped and a new one in its place, migrated as a new install's would be
    // (so holding only the migrations' defaults, which the restore replaces).
    wipe: async () => {
      await database.drop()
      database = await createTestDatabase('postgres')
      await database.db.destroy()
      target.url = database.url!
    },
    drop: () => database.drop(),
  }
}

// Every table's checksum but the audit trail's, which gains the backup's and the restore's own records.
const withoutAudit = ({ audit_events: _, ...rest }: Record<string, string>) => rest

// The backup and restore records a database holds, oldest first.
async function databaseEvents(install: Install) {
  const db = install.open()
  try {
    return await db
      .selectFrom('auditEvents')
      .select(['action', 'actorUserId', 'organisationId', 'entityType', 'after'])
      .where('action', 'in', ['database-backed-up', 'database-restored'])
      .orderBy('id')
      .execute()
  } finally {
    await db.destroy()
  }
}

async function checksumsOf(install: Install) {
  const db = install.open()
  try {
    return await tableChecksums(db)
  } finally {
    await db.destroy()
  }
}

describe.each(engines)('backup and restore on %s', (engine) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'carehub-backup-'))
  const file = path.join(dir, engine === 'pglite' ? 'carehub.tar.gz' : 'carehub.dump')
  let install: Install
  let before: Record<string, string>

  beforeAll(async () => {
    install = await installOn(engine, dir)
    before = await checksumsOf(install)
  }, 240_000)
  afterAll(async () => {
    await install?.drop()
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it('gives back every table, row for row, after the database is wiped', async () => {
    const report = await backupDatabase(install.target, file, { clock })
    expect(report.tables).toBe(Object.keys(before).length)
    expect(fs.statSync(file).mode & 0o077).toBe(0)
    await expect(backupDatabase(install.target, file)).rejects.toThrow(/already exists/)
    // Audited in the database it copied, as the command's: the file's name, not its folder.
    const backedUp = await databaseEvents(install)
    expect(backedUp).toEqual([
      {
        action: 'database-backed-up',
        actorUserId: null,
        organisationId: null,
        entityType: 'database',
        after: { file: path.basename(file), tables: report.tables, bytes: report.bytes, by: 'command' },
      },
    ])
    expect(JSON.stringify(backedUp)).not.toContain(dir)

    await install.wipe()
    const restored = await restoreDatabase(install.target, file, { clock })
    expect(restored.keptAside).toBeNull()
    expect(restored.lines[0]).toMatch(/^Restored .* \d+ tables, [\d,]+ rows/)
    const after = await checksumsOf(install)
    expect(Object.keys(before).length).toBeGreaterThan(100)
    expect(Number.parseInt(before.locations!, 10)).toBe(40)
    expect(withoutAudit(after)).toEqual(withoutAudit(before))
    // The restored database says it was restored, and from which file (the backup's own record stayed
    // in the database it was made from).
    expect(await databaseEvents(install)).toEqual([
      {
        action: 'database-restored',
        actorUserId: null,
        organisationId: null,
        entityType: 'database',
        after: { file: path.basename(file), keptAside: null, by: 'command' },
      },
    ])
  }, 240_000)

  it('refuses to restore over data without --force, and keeps that data aside with it', async () => {
    const db = install.open()
    await db
      .updateTable('organisations')
      .set({ name: 'Changed after the backup' })
      .where('name', '=', 'Northmoor County Council')
      .execute()
    await db.destroy()
    const changed = await checksumsOf(install)
    expect(changed).not.toEqual(before)

    const refused = await restoreDatabase(install.target, file).catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(BackupRefused)
    expect((refused as Error).message).toMatch(
      /already holds data: .*situation_returns \(.*Nothing was changed/,
    )
    expect(await checksumsOf(install)).toEqual(changed)

    const forced = await restoreDatabase(install.target, file, { force: true })
    expect(forced.keptAside).not.toBeNull()
    expect(forced.lines.join('\n')).toContain('kept in')
    expect(withoutAudit(await checksumsOf(install))).toEqual(withoutAudit(before))
    const [record, ...more] = await databaseEvents(install)
    expect(more).toEqual([])
    expect(record?.after).toEqual({
      file: path.basename(file),
      keptAside: path.basename(forced.keptAside!),
      by: 'command',
    })
  }, 240_000)

  it('refuses a file that is not a backup of this engine, changing nothing', async () => {
    const current = await checksumsOf(install)
    const other = path.join(dir, 'not-a-backup.txt')
    fs.writeFileSync(other, 'name,address\n')
    await expect(restoreDatabase(install.target, other, { force: true })).rejects.toThrow(
      /not a CareHub backup/,
    )
    expect(await checksumsOf(install)).toEqual(current)
  }, 60_000)
})
