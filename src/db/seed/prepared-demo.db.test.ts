import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { recordingTransport, TestClient } from '../../../test/support/test-app.ts'
import { createTestDatabase } from '../../../test/support/test-database.ts'
import { createApp } from '../../app.ts'
import { buildServices } from '../../composition.ts'
import { loadConfig } from '../../config.ts'
import { fixedClock } from '../../domain/clock.ts'
import { appCodeAt } from '../../modules/access/index.ts'
import { createDatabase, type Db } from '../database.ts'
import { migrateToLatest } from '../migrate.ts'
import { rowCounts } from '../table-census.ts'
import { demoPassword, loadDemoCounty } from './demo-county.ts'
import { demoTwoStepKey, setUpDemoTwoStep } from './demo-two-step.ts'
import { makePreparedDemo, takePreparedDemo } from './prepared-demo.ts'

// The demo prepared at install (issue 27): a first start from it holds what a first start loading the
// demo holds, and it is never used on another day or after the code changed. The embedded database
// only: PostgreSQL never loads the demo at a first start. A small county (60 locations) keeps it quick.
const locations = 60
const clock = fixedClock(new Date('2020-06-30T08:00:00Z'))
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'carehub-prepared-demo-'))
const prepared = path.join(work, 'demo-database')
const manifest = path.join(prepared, 'manifest.json')
const freshDataDir = () => fs.mkdtempSync(path.join(work, 'data-'))

describe('the demo database prepared at install', () => {
  beforeAll(async () => {
    await makePreparedDemo(prepared, clock, locations)
  }, 120_000)
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }))

  it('is not used on another day, nor after a source file changed, and says why', () => {
    const dataDir = freshDataDir()
    const nextDay = new Date('2020-07-01T08:00:00Z')
    expect(takePreparedDemo(prepared, dataDir, nextDay, locations)).toEqual({
      reason: 'it was made for 2020-06-30, today is 2020-07-01',
    })
    // London's day, not UTC's: 23:30 UTC on 30 June is already 1 July in London (BST).
    expect(takePreparedDemo(prepared, dataDir, new Date('2020-06-30T23:30:00Z'), locations)).toEqual({
      reason: 'it was made for 2020-06-30, today is 2020-07-01',
    })

    const made = fs.readFileSync(manifest, 'utf8')
    const edited = JSON.parse(made)
    edited.sources['src/db/seed/demo-returns.ts'] = '0'.repeat(64)
    fs.writeFileSync(manifest, JSON.stringify(edited))
    expect(takePreparedDemo(prepared, dataDir, clock.now(), locations)).toEqual({
      reason: 'src/db/seed/demo-returns.ts has changed since it was made',
    })
    fs.writeFileSync(manifest, made)

    // Nothing was touched: no database in the data directory, the prepared one still whole.
    expect(fs.readdirSync(dataDir)).toEqual([])
    expect(fs.existsSync(path.join(prepared, 'pglite', 'PG_VERSION'))).toBe(true)
  })

  it('starts a new data directory with the row counts of a demo loaded there, once', async () => {
    const dataDir = freshDataDir()
    expect(takePreparedDemo(prepared, dataDir, clock.now(), locations)).toEqual({
      madeFor: '2020-06-30',
      how: 'moved',
    })
    // Taken, not shared: the next first start loads the demo itself.
    expect(takePreparedDemo(prepared, freshDataDir(), clock.now(), locations)).toMatchObject({
      reason: expect.stringContaining('an earlier first start took it'),
    })
    // A data directory with a database is no first start.
    expect(takePreparedDemo(prepared, dataDir, clock.now(), locations)).toBeNull()

    const secret = randomBytes(32).toString('hex')
    const db = createDatabase({ engine: 'pglite', dataDir })
    const loaded = await createTestDatabase('pglite')
    try {
      expect(await migrateToLatest(db)).toEqual([])
      await setUpDemoTwoStep(db, secret, clock.now())
      await loadDemoCounty(loaded.db, clock, locations)
      await setUpDemoTwoStep(loaded.db, secret, clock.now())
      const counts = await rowCounts(db)
      expect(counts.situation_returns).toBeGreaterThan(1000)
      expect(counts).toEqual(await rowCounts(loaded.db))
      await expectDemoSignIn(db, dataDir, secret)
    } finally {
      await loaded.drop()
      await db.destroy()
    }
  }, 120_000)
})

// The demo admin signs in with the demo password and the demo key's code, sealed with this secret.
async function expectDemoSignIn(db: Db, dataDir: string, cookieSecret: string) {
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, BASE_URL: 'http://carehub.test' })
  const services = buildServices({ db, clock, config, mailTransport: recordingTransport(), cookieSecret })
  const app = await createApp(services)
  try {
    const client = new TestClient(app)
    await client.get('/sign-in')
    const password = await client.post('/sign-in', {
      email: 'admin@northmoor.example',
      password: demoPassword,
    })
    expect(password.headers.location).toBe('/two-step-sign-in/code?returnTo=%2F')
    await client.get('/two-step-sign-in/code')
    const code = await appCodeAt(demoTwoStepKey, clock.now())
    const signedIn = await client.post('/two-step-sign-in/code', { code, returnTo: '/' })
    expect(signedIn.statusCode).toBe(302)
    expect((await client.get('/')).statusCode).toBe(200)
  } finally {
    await app.close()
  }
}
