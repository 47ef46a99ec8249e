import { execFile } from 'node:child_process'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { createDatabase, createMigratableMemoryDatabase } from '../../src/db/database.ts'
import { migrateToLatest } from '../../src/db/migrate.ts'
import { demoUsers, isDatabaseEmpty, loadDemoCounty } from '../../src/db/seed/demo-county.ts'
import { fixedClock } from '../../src/domain/clock.ts'
import { loadActor } from '../../src/modules/access/actor.repository.ts'
import { createOrganisationService } from '../../src/modules/access/organisations.service.ts'

const run = promisify(execFile)
const carehub = path.resolve('bin/carehub.js')

describe('the embedded database across a restart', () => {
  it('keeps every change made before the restart', async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'carehub-restart-'))
    const clock = fixedClock(new Date('2020-04-14T08:00:00Z'))
    const first = createDatabase({ engine: 'pglite', dataDir })
    await migrateToLatest(first)
    expect(await isDatabaseEmpty(first)).toBe(true)
    const demo = await loadDemoCounty(first, clock, 50)
    const adminId = (
      await first
        .selectFrom('users')
        .select('id')
        .where('email', '=', demoUsers[0].email)
        .executeTakeFirstOrThrow()
    ).id
    const actor = (await loadActor(first, adminId))!.actor
    const created = await createOrganisationService({ db: first, clock }).createOrganisation(actor, {
      name: 'Made Before Restart',
      kind: 'other_partner',
      onsCode: '',
      odsCode: '',
    })
    expect(created.ok).toBe(true)
    await first.destroy()

    const second = createDatabase({ engine: 'pglite', dataDir })
    expect(await migrateToLatest(second)).toEqual([])
    expect(await isDatabaseEmpty(second)).toBe(false)
    const org = await second
      .selectFrom('organisations')
      .select('name')
      .where('name', '=', 'Made Before Restart')
      .executeTakeFirst()
    expect(org?.name).toBe('Made Before Restart')
    const count = await second
      .selectFrom('locations')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow()
    expect(Number(count.n)).toBe(demo.locations)
    const audit = await second
      .selectFrom('auditEvents')
      .select('action')
      .where('action', '=', 'organisation-created')
      .execute()
    expect(audit.length).toBe(1)
    await second.destroy()
  }, 150_000)

  it('loads the same demo county from the same seed', async () => {
    const names = async () => {
      const db = createMigratableMemoryDatabase()
      await migrateToLatest(db)
      await loadDemoCounty(db, fixedClock(new Date('2020-04-14T08:00:00Z')), 60)
      const rows = await db
        .selectFrom('locations')
        .select(['name', 'serviceType', 'registeredBeds', 'cqcLocationId'])
        .orderBy('cqcLocationId')
        .execute()
      await db.destroy()
      return rows
    }
    const [a, b] = [await names(), await names()]
    expect(a).toEqual(b)
    expect(new Set(a.map((r) => r.serviceType)).size).toBeGreaterThanOrEqual(4)
  }, 150_000)
})

describe('the carehub command', () => {
  it('has --help for every command', async () => {
    for (const args of [
      ['--help'],
      ['serve', '--help'],
      ['migrate', '--help'],
      ['seed', '--help'],
      ['user', 'create', '--help'],
      ['user', 'reset-password', '--help'],
    ]) {
      const { stdout } = await run('node', [carehub, ...args])
      expect(stdout, args.join(' ')).toContain('Usage: carehub')
    }
  }, 150_000)

  it('creates the first admin of an empty install with a set-password link, never a known password', async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'carehub-cli-'))
    const env = { ...process.env, DATA_DIR: dataDir, BASE_URL: 'https://carehub.example.gov.uk', DEMO: 'off' }
    const created = await run(
      'node',
      [
        carehub,
        'user',
        'create',
        '--email',
        'First.Admin@Example.org',
        '--name',
        'First Admin',
        '--role',
        'admin',
        '--organisation',
        'Example County Council',
        '--ons-code',
        'E10000077',
      ],
      { env },
    )
    expect(created.stdout).toMatch(/https:\/\/carehub\.example\.gov\.uk\/accept-invitation\/[\w-]{40,}/)
    const duplicate = await run(
      'node',
      [
        carehub,
        'user',
        'create',
        '--email',
        'first.admin@example.org',
        '--name',
        'Again',
        '--role',
        'admin',
        '--organisation',
        'Example County Council',
      ],
      { env },
    ).catch((e: { stderr: string; code: number }) => e)
    expect((duplicate as { code: number }).code).toBe(1)
    expect((duplicate as { stderr: string }).stderr).toContain('already exists')
    const reset = await run(
      'node',
      [carehub, 'user', 'reset-password', '--email', 'first.admin@example.org'],
      { env },
    )
    expect(reset.stdout).toContain('/accept-invitation/')

    const db = createDatabase({ engine: 'pglite', dataDir })
    const users = await db.selectFrom('users').select(['email', 'status', 'passwordHash', 'role']).execute()
    expect(users).toEqual([
      { email: 'first.admin@example.org', status: 'invited', passwordHash: null, role: 'admin' },
    ])
    await db.destroy()
  }, 150_000)

  it('imports a CQC file from the command line with a preview and a progress bar', async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'carehub-cli-import-'))
    const env = { ...process.env, DATA_DIR: dataDir, DEMO: 'off', BASE_URL: 'http://localhost:3000' }
    const file = path.resolve('test/fixtures/cqc/cqc_api_oldham_locations_raw.jsonl')
    const refused = await run('node', [carehub, 'import', 'cqc', file], { env }).catch(
      (e: { stderr: string }) => e,
    )
    expect((refused as { stderr: string }).stderr).toContain('Say which locations')
    const { stdout } = await run('node', [carehub, 'import', 'cqc', file, '--area', 'Oldham', '--yes'], {
      env,
    }).catch((e: { stderr: string; stdout: string }) => {
      throw new Error(`${e.stdout}\n${e.stderr}`)
    })
    expect(stdout).toMatch(/cqc-api-jsonl, 452 rows read/)
    expect(stdout).toMatch(/new 226, updated 0/)
    expect(stdout).toContain('Saved in')
    const again = await run('node', [carehub, 'import', 'cqc', file, '--area', 'Oldham', '--yes'], { env })
    expect(again.stdout).toContain('Nothing to change.')
    // The CQC's providers file names the providers the locations file knew only by ID (issue 17).
    const providers = path.resolve('test/fixtures/cqc/cqc_api_oldham_providers_raw.jsonl')
    const named = await run('node', [carehub, 'import', 'cqc', providers, '--area', 'Oldham', '--yes'], {
      env,
    })
    expect(named.stdout).toMatch(/cqc-api-providers-jsonl, 20 rows read/)
    expect(named.stdout).toMatch(/new 4, named 16, renamed 0/)
    expect(named.stdout).toContain('Saved in')
  }, 200_000)
})
