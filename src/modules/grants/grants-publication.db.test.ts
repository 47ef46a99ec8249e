import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { actorFor as loadActorOf } from '../../../test/support/actors.ts'
import { type TestApp, TestClient } from '../../../test/support/test-app.ts'
import { engines } from '../../../test/support/test-database.ts'
import { roundForm, setUpGrants } from './grants.test-fixture.ts'

// The grants' open data goes through the publishing workflow: a draft, the named providers' check of
// their own grants, sign-off by a named officer, and a version that never changes, with the 360Giving
// file among its published files (its amounts those of the recorded payments).
describe.each(engines)('publishing the grants as open data on %s', (engine) => {
  let t: TestApp
  const ids: Record<string, string> = {}
  const emails: Record<string, string> = {}

  beforeAll(async () => {
    t = await setUpGrants(engine, ids, emails)
    // A committed round (Birch House alone is eligible), accepted and its first tranche paid.
    const finance = await loadActorOf(t.database.db, ids.finance!)
    const created = await t.services.grants.createRound(finance, roundForm)
    if (!created?.ok) throw new Error(JSON.stringify(created))
    ids.round = created.value.id
    const previewed = await t.services.grants.preview(finance, ids.round)
    expect((await t.services.grants.commit(finance, ids.round, previewed?.previewId))?.ok).toBe(true)
    const allocation = await t.database.db
      .selectFrom('grantAllocations')
      .select('id')
      .where('locationId', '=', ids.birch!)
      .executeTakeFirstOrThrow()
    const manager = await loadActorOf(t.database.db, ids.manager!)
    const decided = await t.services.grants.decide(manager, allocation.id, {
      decision: 'accepted',
      name: 'Maria Santos',
    })
    expect(decided?.ok).toBe(true)
    const tranche = await t.database.db
      .selectFrom('grantTranches')
      .select('id')
      .where('roundId', '=', ids.round)
      .where('number', '=', 1)
      .executeTakeFirstOrThrow()
    const paid = await t.services.grants.recordTranche(finance, ids.round, tranche.id, {
      day: '15',
      month: '4',
      year: '2020',
    })
    expect(paid?.ok).toBe(true)
  })
  afterAll(async () => {
    await t?.close()
  })
  const signedIn = async (who: string) => {
    const client = new TestClient(t.app)
    await client.signIn(emails[who]!)
    return client
  }

  it('goes from draft through the providers’ check and sign-off to a version that never changes', async () => {
    expect(t.services.publishing.kinds().map((k) => k.kind)).toContain('grants-360giving')
    let officer = await signedIn('officer')
    await officer.get('/publications/new')
    const started = await officer.post('/publications/new', { kind: 'grants-360giving' })
    expect(started.statusCode, started.body.slice(0, 500)).toBe(302)
    const versionPath = started.headers.location as string
    const publicationId = versionPath.split('/')[2]!
    const draft = await officer.get(versionPath)
    expect(draft.statusCode).toBe(200)
    expect(draft.body).toContain('Birch House')
    expect((await officer.post(`${versionPath}/check`, { checkDays: '1' })).statusCode).toBe(302)

    // Birch Care checks its own grant; another provider's is not shown to it.
    const manager = await signedIn('manager')
    const figures = await manager.get('/publications/your-figures')
    expect(figures.body).toContain('Birch House: awarded')
    // (£1,000,000.00 − £50,000.00) × 75 %, all to Birch House; half of it paid in the first tranche.
    expect(figures.body).toContain('£712,500.00')
    expect(figures.body).toContain('£356,250.00')

    // Signed off after the window closes.
    t.clock.set(new Date('2020-04-16T08:00:00Z'))
    officer = await signedIn('officer')
    expect((await officer.get(`${versionPath}/sign-off`)).statusCode).toBe(200)
    expect((await officer.post(`${versionPath}/sign-off`, { confirm: 'yes' })).statusCode).toBe(302)

    // Anyone downloads the 360Giving file at the version's permanent address.
    const anyone = new TestClient(t.app)
    const list = await anyone.get(`/published/${publicationId}`)
    expect(list.body).toContain(`/published/${publicationId}/versions/1/data`)
    const file = await anyone.get(`/published/${publicationId}/versions/1/data`)
    expect(file.statusCode).toBe(200)
    expect(file.headers['content-type']).toMatch(/^application\/json/)
    expect(file.headers['content-disposition']).toContain('360giving-version-1.json')
    const data = JSON.parse(file.body) as { grants: Record<string, unknown>[] }
    expect(data.grants).toHaveLength(1)
    const payments = await t.database.db.selectFrom('grantPayments').select('amountPence').execute()
    const paid = payments.reduce((s, p) => s + Number(p.amountPence), 0) / 100
    expect(data.grants[0]!.amountDisbursed).toBe(paid)
    expect(data.grants[0]!.fundingOrganization).toEqual([
      { id: 'GB-LAE-BDG', name: 'Barking and Dagenham Council' },
    ])
    expect(data.grants[0]!.recipientOrganization).toEqual([
      expect.objectContaining({ id: 'GB-COH-01234567' }),
    ])
    // The same grants as the round's own download, which still works.
    const finance = await signedIn('finance')
    const own = JSON.parse((await finance.get(`/grants/rounds/${ids.round}/360giving.json`)).body)
    expect(own).toEqual(data)

    // The published version never changes.
    await expect(
      sql`update publication_versions set data_file = ${Buffer.from('{}')} where publication_id = ${publicationId}`.execute(
        t.database.db,
      ),
    ).rejects.toThrow(/never changes/)
    // Nothing published for another version number or publication.
    expect((await anyone.get(`/published/${publicationId}/versions/2/data`)).statusCode).toBe(404)
  })
})
