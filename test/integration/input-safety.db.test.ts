import { load } from 'cheerio'
import { stringify } from 'csv-stringify/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { exampleSubmission } from '../../src/modules/api/index.ts'
import { currentDataset, templateColumns } from '../../src/modules/returns/index.ts'
import { createLocation, createOrganisation, createProvider, createUser } from '../support/factories.ts'
import { fullReturn } from '../support/returns.fixture.ts'
import { buildTestApp, type TestApp, TestClient } from '../support/test-app.ts'
import { engines } from '../support/test-database.ts'

type Problem = {
  type: string
  title: string
  status: number
  detail: string
  errors?: { field: string; pointer: string; message: string }[]
}

// Text the database cannot store (a NUL byte, half a UTF-16 pair) and bodies nested too deeply to walk
// safely are refused as bad requests naming the field, on every page and in the API; and every text
// field has a stated length limit.
describe.each(engines)('unsafe and oversized input on %s', (engine) => {
  let t: TestApp
  const ids: Record<string, string> = {}
  const emails: Record<string, string> = {}
  let token = ''
  let cqcLocationId = ''

  const signedIn = async (who: string) => {
    const client = new TestClient(t.app)
    await client.signIn(emails[who]!)
    return client
  }

  const api = (payload: string, headers: Record<string, string> = {}) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/returns',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
      payload,
    })

  const count = async (table: 'situationReturns' | 'auditEvents' | 'locationContacts' | 'users') =>
    (await t.database.db.selectFrom(table).select('id').execute()).length

  beforeAll(async () => {
    t = await buildTestApp(engine)
    const db = t.database.db
    ids.council = await createOrganisation(db, 'council', 'Input Council', { onsCode: 'E10000081' })
    ids.provider = await createProvider(db, 'Input Care Ltd')
    ids.providerOrg = await createOrganisation(db, 'provider', 'Input Care Ltd', { providerId: ids.provider })
    ids.home = await createLocation(db, ids.provider, ids.council, { name: 'Ash House', beds: 40 })
    cqcLocationId = (
      await db
        .selectFrom('locations')
        .select('cqcLocationId')
        .where('id', '=', ids.home)
        .executeTakeFirstOrThrow()
    ).cqcLocationId!
    emails.manager = (await createUser(db, ids.providerOrg, 'provider_manager')).email
    emails.officer = (await createUser(db, ids.council, 'council_officer')).email
    emails.admin = (await createUser(db, ids.council, 'admin')).email
    const manager = await signedIn('manager')
    await manager.get('/api-tokens')
    token = load((await manager.post('/api-tokens', { name: 'Records' })).body)('#api-token')
      .text()
      .trim()
  }, 120_000)
  afterAll(async () => {
    await t?.close()
  })

  it('refuses a NUL byte or half a surrogate pair with 400 naming the field, signed in or not, and saves nothing', async () => {
    t.clock.set(new Date('2020-04-14T08:00:00Z'))
    // The unauthenticated sign-in page.
    const visitor = new TestClient(t.app)
    await visitor.get('/sign-in')
    const audits = await count('auditEvents')
    const signIn = await visitor.post('/sign-in', { email: 'someone\u0000@example.org', password: 'x' })
    expect(signIn.statusCode).toBe(400)
    expect(load(signIn.body)('main').text()).toContain('email')
    expect(await count('auditEvents')).toBe(audits)

    // A search box on a signed-in page, and a form that saves.
    const officer = await signedIn('officer')
    const search = await officer.get('/locations?search=%00')
    expect(search.statusCode).toBe(400)
    expect(load(search.body)('main').text()).toContain('search')
    await officer.get(`/locations/${ids.home}`)
    const contacts = await count('locationContacts')
    const contact = await officer.post(`/locations/${ids.home}/contacts`, {
      contactName: 'Nul\u0000 Person',
      contactPhone: '01632 960 001',
    })
    expect(contact.statusCode).toBe(400)
    expect(load(contact.body)('main').text()).toContain('contactName')
    expect(await count('locationContacts')).toBe(contacts)

    // The API: a NUL byte and a lone surrogate, each named by its JSON Pointer.
    const returns = await count('situationReturns')
    const nul = await api(JSON.stringify({ ...exampleSubmission, locationId: `${cqcLocationId}\u0000` }))
    expect(nul.statusCode).toBe(400)
    expect(nul.headers['content-type']).toContain('application/problem+json')
    expect((nul.json() as Problem).errors).toEqual([
      expect.objectContaining({ field: 'locationId', pointer: '/locationId' }),
    ])
    const values = JSON.stringify({ ...exampleSubmission.values, concerns: 'PLACEHOLDER' })
    const surrogate = await api(
      `{"locationId":"${cqcLocationId}","periodStart":"2020-04-14","values":${values.replace('PLACEHOLDER', '\\ud800 low')}}`,
    )
    expect(surrogate.statusCode).toBe(400)
    expect((surrogate.json() as Problem).errors).toEqual([
      expect.objectContaining({ field: 'values.concerns', pointer: '/values/concerns' }),
    ])
    expect(await count('situationReturns')).toBe(returns)

    // A file upload: a NUL in a cell is that row's problem; in the file's name, the request's.
    const manager = await signedIn('manager')
    await manager.get('/returns/upload')
    const columns = ['cqcLocationId', 'periodStart', ...templateColumns(currentDataset).map((c) => c.key)]
    const file = (concerns: string) =>
      Buffer.from(
        stringify([{ ...fullReturn, cqcLocationId, periodStart: '2020-04-14', concerns }], {
          header: true,
          columns,
        }),
      )
    const cell = await manager.postMultipart(
      '/returns/upload',
      {},
      {
        field: 'file',
        fileName: 'returns.csv',
        content: file('Masks\u0000 low'),
      },
    )
    expect(cell.statusCode).toBe(400)
    expect(load(cell.body)('.govuk-error-summary').text()).toContain('Row 2, concerns')
    await manager.get('/returns/upload')
    const name = await manager.postMultipart(
      '/returns/upload',
      {},
      {
        field: 'file',
        fileName: 'returns\u0000.csv',
        content: file('Masks low'),
      },
    )
    expect(name.statusCode).toBe(400)
    expect(load(name.body)('main').text()).toContain('file')
    expect(await count('situationReturns')).toBe(returns)
  })

  it('refuses a JSON body nested too deeply with 400 naming where, with or without an Idempotency-Key', async () => {
    const deep = `{"locationId":"${cqcLocationId}","values":${'['.repeat(5000)}${']'.repeat(5000)}}`
    for (const headers of [{}, { 'idempotency-key': 'deep-1' }] as Record<string, string>[]) {
      const response = await api(deep, headers)
      expect(response.statusCode).toBe(400)
      const problem = response.json() as Problem
      expect(problem.detail).toContain('nested')
      expect(problem.errors?.[0]?.pointer).toMatch(/^\/values\/0\/0/)
    }
    // A web form posted as JSON (with its CSRF token) is refused the same way, as a page.
    const form = await t.app.inject({ method: 'GET', url: '/sign-in' })
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)![1]!
    const cookie = form.cookies.map((c) => `${c.name}=${c.value}`).join('; ')
    const page = await t.app.inject({
      method: 'POST',
      url: '/sign-in',
      headers: { 'content-type': 'application/json', cookie },
      payload: `{"_csrf":"${csrf}","email":${'['.repeat(100)}${']'.repeat(100)}}`,
    })
    expect(page.statusCode).toBe(400)
    expect(page.headers['content-type']).toContain('text/html')
    expect(load(page.body)('main').text()).toContain('email')
  })

  it('limits the length of names, contacts and reasons, and says the limit', async () => {
    t.clock.set(new Date('2020-04-14T08:00:00Z'))
    // The API's amendmentReason: 900 KB was accepted.
    const first = await api(JSON.stringify({ ...exampleSubmission, locationId: cqcLocationId }))
    expect(first.statusCode).toBe(201)
    const huge = await api(
      JSON.stringify({
        ...exampleSubmission,
        locationId: cqcLocationId,
        amendmentReason: 'x'.repeat(900_000),
      }),
    )
    expect(huge.statusCode).toBe(422)
    expect((huge.json() as Problem).errors).toEqual([
      {
        field: 'amendmentReason',
        pointer: '/amendmentReason',
        message: 'amendmentReason must be 5,000 characters or fewer',
      },
    ])
    expect(await count('situationReturns')).toBe(1)

    // A location's contact and a location's name, on the web.
    const officer = await signedIn('officer')
    await officer.get(`/locations/${ids.home}`)
    const contacts = await count('locationContacts')
    const contact = await officer.post(`/locations/${ids.home}/contacts`, {
      contactName: 'N'.repeat(201),
      contactJobTitle: 'J'.repeat(201),
      contactEmail: `${'e'.repeat(250)}@example.org`,
      contactPhone: '01632 960 001',
    })
    expect(contact.statusCode).toBe(400)
    const summary = load(contact.body)('.govuk-error-summary').text()
    expect(summary).toContain('Name must be 200 characters or fewer')
    expect(summary).toContain('Role must be 200 characters or fewer')
    expect(summary).toContain('E-mail address must be 254 characters or fewer')
    expect(await count('locationContacts')).toBe(contacts)
    await officer.get(`/locations/${ids.home}/edit`)
    const edit = await officer.post(`/locations/${ids.home}/edit`, {
      name: 'L'.repeat(201),
      serviceType: 'care_home_residential',
      addressLine1: 'A'.repeat(201),
      town: 'Town',
      postcode: 'NM1 2AB',
      registeredBeds: '40',
    })
    expect(edit.statusCode).toBe(400)
    const editSummary = load(edit.body)('.govuk-error-summary').text()
    expect(editSummary).toContain('Location name must be 200 characters or fewer')
    expect(editSummary).toContain('Address must be 200 characters or fewer')

    // A user's name, changed by an admin.
    const admin = await signedIn('admin')
    const user = await t.database.db
      .selectFrom('users')
      .select(['id', 'displayName'])
      .where('email', '=', emails.officer!)
      .executeTakeFirstOrThrow()
    await admin.get(`/admin/users/${user.id}/edit`)
    const rename = await admin.post(`/admin/users/${user.id}/edit`, {
      displayName: 'D'.repeat(201),
      role: 'council_officer',
    })
    expect(rename.statusCode).toBe(400)
    expect(load(rename.body)('.govuk-error-summary').text()).toContain(
      'Full name must be 200 characters or fewer',
    )
    expect(
      (
        await t.database.db
          .selectFrom('users')
          .select('displayName')
          .where('id', '=', user.id)
          .executeTakeFirstOrThrow()
      ).displayName,
    ).toBe(user.displayName)
  })
})
