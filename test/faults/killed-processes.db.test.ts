import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { sql } from 'kysely'
import { afterAll, describe, expect, it } from 'vitest'
import { importCqcFromCommandLine } from '../../src/cli/import-command.ts'
import { buildServices } from '../../src/composition.ts'
import { loadConfig } from '../../src/config.ts'
import { fixedClock, systemClock } from '../../src/domain/clock.ts'
import { loadActor } from '../../src/modules/access/actor.repository.ts'
import { abandonedReason, failAbandonedSaves } from '../../src/modules/directory/cqc-import-saving.ts'
import { careHomeRow, cqcCsv } from '../support/cqc-files.ts'
import { createLocation, createOrganisation, createProvider, createUser } from '../support/factories.ts'
import { recordingTransport } from '../support/test-app.ts'
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts'
import {
  lockTable,
  startChild,
  urlNamed,
  waitUntilBlockedOn,
  waitUntilGone,
} from './support/killable-child.ts'

// Issue 26, fault injection: the app's process killed (SIGKILL: no clean-up of any kind) in the middle
// of a CQC import and of a payment run, each in a process of its own against the test's own database
// on PostgreSQL. To be sure the kill comes mid-way, and not before or after, the test holds a lock on a
// table the work writes late in its transaction: the process is killed once it waits for that lock
// having already written rows to the tables before it (the test reads this from pg_locks). Nothing of
// the work may be left afterwards, and running it again (in this process) does it whole.
const adminUrl = process.env.TEST_DATABASE_URL
if (!adminUrl)
  console.warn('\n*** SKIPPED the killed-process fault tests: TEST_DATABASE_URL is not set ***\n')

const carehub = path.resolve('bin/carehub.js')
const preparePaymentRun = path.resolve('test/faults/support/prepare-payment-run.ts')

describe.skipIf(!adminUrl)('the app process killed mid-way (PostgreSQL)', () => {
  const databases: TestDatabase[] = []
  let scratch = ''

  afterAll(async () => {
    for (const database of databases) await database.drop()
    if (scratch) await fs.rm(scratch, { recursive: true, force: true })
  })

  const setUp = async () => {
    const database = await createTestDatabase('postgres')
    databases.push(database)
    scratch ||= await fs.mkdtemp(path.join(os.tmpdir(), 'carehub-killed-'))
    // The child's own settings: this database, no demo, files (mail, secrets) in a scratch directory.
    const env = (applicationName: string) => ({
      DATABASE_URL: urlNamed(database.url!, applicationName),
      DATA_DIR: scratch,
      DEMO: 'off',
      BASE_URL: 'http://carehub.test',
    })
    const count = async (table: string, where = sql`true`) => {
      const { rows } = await sql<{
        n: string
      }>`select count(*) as n from ${sql.table(table)} where ${where}`.execute(database.db)
      return Number(rows[0]!.n)
    }
    // The same work again in this process (a child's start-up through tsx takes seconds), as the
    // command line and the web run it, on the same database.
    const services = buildServices({
      db: database.db,
      clock: systemClock,
      config: loadConfig({ NODE_ENV: 'test', DATA_DIR: scratch, BASE_URL: 'http://carehub.test' }),
      mailTransport: recordingTransport(),
      cookieSecret: 'test-cookie-secret-of-at-least-32-chars',
    })
    return { database, env, count, services }
  }

  // Runs `args` in a child, kills it once it waits for `lateTable` mid-transaction, and says what it had
  // written by then.
  const killMidWay = async (url: string, env: Record<string, string>, args: string[], lateTable: string) => {
    const release = await lockTable(url, lateTable)
    const { child, exited } = startChild(args, env)
    try {
      const name = new URL(env.DATABASE_URL!).searchParams.get('application_name')!
      const waiting = { stopped: false }
      const blocked = await Promise.race([
        waitUntilBlockedOn(url, name, lateTable, waiting),
        exited.then((end) => {
          waiting.stopped = true
          throw new Error(`the process ended before it was killed: ${end.code} ${end.output}`)
        }),
      ])
      child.kill('SIGKILL')
      const end = await exited
      expect(end.signal).toBe('SIGKILL')
      return blocked.written
    } finally {
      child.kill('SIGKILL')
      await release()
    }
  }

  it('leaves none of a CQC import’s rows when killed while saving it, and saves it whole the next time', async () => {
    const { database, env, count, services } = await setUp()
    const rows = Array.from({ length: 1500 }, (_, i) =>
      careHomeRow(`1-9${String(i).padStart(9, '0')}`, {
        'Provider ID': `1-7${String(Math.floor(i / 10)).padStart(9, '0')}`,
        'Provider Name': `Killed Import Care ${Math.floor(i / 10)} Ltd`,
      }),
    )
    const file = path.join(scratch, 'cqc-locations.csv')
    await fs.writeFile(file, cqcCsv(rows))
    const args = [carehub, 'import', 'cqc', file, '--all', '--yes']

    // Locations and providers are written (COPY) before their status history, then the audit.
    const written = await killMidWay(
      database.url!,
      env('carehub-killed-import'),
      args,
      'location_status_events',
    )
    expect(written).toEqual(expect.arrayContaining(['locations', 'providers']))
    await waitUntilGone(database.url!, 'carehub-killed-import')

    // None of it: no location, provider, status or audit record of the import.
    expect(await count('locations')).toBe(0)
    expect(await count('providers')).toBe(0)
    expect(await count('location_status_events')).toBe(0)
    expect(await count('audit_events', sql`entity_type = 'location'`)).toBe(0)
    // The import is left "saving" by the dead process, and failed once its heartbeat has stopped a
    // while, so that the officer sees it did not finish and runs it again.
    const imports = () => database.db.selectFrom('cqcImports').select(['status', 'error']).execute()
    expect(await imports()).toEqual([{ status: 'saving', error: null }])
    expect(await failAbandonedSaves(database.db, fixedClock(new Date(Date.now() + 2 * 60_000)))).toBe(1)
    expect(await imports()).toEqual([{ status: 'failed', error: abandonedReason }])

    // Run again (nothing in the way): all of it, once.
    const log = console.log
    console.log = () => {}
    try {
      await importCqcFromCommandLine(services, file, { areaName: null, closeMissing: false, yes: true })
    } finally {
      console.log = log
    }
    expect(await count('locations')).toBe(1500)
    expect(await count('providers')).toBe(150)
    expect(await count('location_status_events')).toBe(1500)
    expect(await count('audit_events', sql`entity_type = 'location'`)).toBe(1500)
  })

  it('leaves no payment run nor any of its payments when killed while preparing it', async () => {
    const { database, env, count, services } = await setUp()
    const db = database.db
    const council = await createOrganisation(db, 'council', 'Killed Run Council', { onsCode: 'E10000083' })
    const finance = await createUser(db, council, 'finance_officer')
    const locations: { provider: string; location: string }[] = []
    for (let p = 0; p < 40; p++) {
      const provider = await createProvider(db, `Paid Care ${p} Ltd`)
      const made = await Promise.all(
        Array.from({ length: 5 }, () => createLocation(db, provider, council, { contractedBy: [council] })),
      )
      locations.push(...made.map((location) => ({ provider, location })))
    }
    const now = new Date()
    await db
      .insertInto('commissionedPackages')
      .values(
        Array.from({ length: 1500 }, (_, i) => ({
          councilId: council,
          providerId: locations[i % locations.length]!.provider,
          locationId: locations[i % locations.length]!.location,
          reference: `PKG-${i}`,
          serviceType: 'care_home_residential',
          funder: 'council',
          beds: 1,
          weeklyRatePence: 70_000 + i,
          hourlyRatePence: null,
          plannedHoursHundredths: null,
          startsOn: '2020-01-01',
          endsOn: null,
          inArea: true,
          dischargePathway: false,
          createdBy: null,
          createdAt: now,
          updatedAt: now,
        })),
      )
      .execute()
    // What the run pays: +10 % on every package of the council.
    await db
      .insertInto('paymentSchemes')
      .values({
        name: 'Care homes +10 %',
        kind: 'uplift',
        startsOn: '2020-03-19',
        percentBasisPoints: 1000,
        councilId: council,
        endsOn: '2020-06-30',
        averageWeeks: null,
        amountPence: null,
        serviceTypes: '[]',
        contractedOnly: false,
        area: 'any',
        funder: 'any',
        createdBy: null,
        createdAt: now,
      })
      .execute()
    const args = ['--import', 'tsx', preparePaymentRun, finance.id, '2020-04-01', '2020-04-30']

    // The run and all its lines are written before its audit record, the last thing in its transaction.
    const written = await killMidWay(database.url!, env('carehub-killed-run'), args, 'audit_events')
    expect(written).toEqual(expect.arrayContaining(['payment_runs', 'payment_lines']))
    await waitUntilGone(database.url!, 'carehub-killed-run')
    expect(await count('payment_runs')).toBe(0)
    expect(await count('payment_lines')).toBe(0)
    expect(await count('audit_events', sql`entity_type = 'payment_run'`)).toBe(0)

    // Prepared again: the whole run, under the first reference (the dead one took none).
    const signedIn = (await loadActor(db, finance.id))!
    const again = await services.paymentRuns.prepare(signedIn.actor, { from: '2020-04-01', to: '2020-04-30' })
    expect(again?.ok).toBe(true)
    const runs = await db.selectFrom('paymentRuns').select(['id', 'reference', 'totalPence']).execute()
    expect(runs.map((r) => r.reference)).toEqual(['PR-0001'])
    const lines = await db
      .selectFrom('paymentLines')
      .select((eb) => [eb.fn.countAll<string>().as('n'), eb.fn.sum<string>('amountPence').as('total')])
      .executeTakeFirstOrThrow()
    expect(Number(lines.n)).toBeGreaterThanOrEqual(1500)
    expect(Number(lines.total)).toBe(Number(runs[0]!.totalPence))
    expect(await count('audit_events', sql`entity_type = 'payment_run'`)).toBe(1)
  })
})
