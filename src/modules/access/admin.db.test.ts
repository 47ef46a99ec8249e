import { load } from 'cheerio'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createOrganisation, createUser } from '../../../test/support/factories.ts'
import { buildTestApp, type TestApp, TestClient } from '../../../test/support/test-app.ts'
import { engines } from '../../../test/support/test-database.ts'

describe.each(engines)('administration pages on %s', (engine) => {
  let t: TestApp
  let councilId: string
  let admin: { id: string; email: string }
  let client: TestClient

  beforeAll(async () => {
    t = await buildTestApp(engine)
    councilId = await createOrganisation(t.database.db, 'council', 'Council Admin Test', {
      onsCode: 'E10000041',
    })
    admin = await createUser(t.database.db, councilId, 'admin')
    client = new TestClient(t.app)
    await client.signIn(admin.email)
  })
  afterAll(async () => {
    await t?.close()
  })

  it('validates a new organisation with a GOV.UK error summary and saves nothing', async () => {
    await client.get('/admin/organisations/new')
    const before = await t.database.db.selectFrom('organisations').select('id').execute()
    const response = await client.post('/admin/organisations/new', {
      name: '',
      kind: 'council',
      onsCode: 'nonsense',
      odsCode: '',
    })
    expect(response.statusCode).toBe(400)
    const $ = load(response.body)
    expect(
      $('.govuk-error-summary a')
        .map((_, a) => $(a).attr('href'))
        .get(),
    ).toEqual(['#name', '#kind', '#onsCode'])
    expect($('#onsCode-error').text()).toContain('Enter an ONS code like E10000014')
    expect(await t.database.db.selectFrom('organisations').select('id').execute()).toEqual(before)
  })

  it('adds a partner linked to the admin’s council, and audits it', async () => {
    await client.get('/admin/organisations/new')
    const response = await client.post('/admin/organisations/new', {
      name: 'Community Nursing Team',
      kind: 'infection_control_team',
      onsCode: '',
      odsCode: 'RX1',
    })
    expect(response.statusCode).toBe(302)
    const id = response.headers.location!.split('/').pop()!
    const links = await t.database.db
      .selectFrom('partnerCouncils')
      .selectAll()
      .where('partnerId', '=', id)
      .execute()
    expect(links).toEqual([{ partnerId: id, councilId }])
    const page = await client.get(`/admin/organisations/${id}`)
    expect(load(page.body)('h1').text()).toBe('Community Nursing Team')
    const duplicate = await client.post('/admin/organisations/new', {
      name: 'community nursing team',
      kind: 'other_partner',
      onsCode: '',
      odsCode: '',
    })
    expect(load(duplicate.body)('#name-error').text()).toContain('already exists')
    const audit = await t.database.db
      .selectFrom('auditEvents')
      .selectAll()
      .where('entityId', '=', id)
      .execute()
    expect(audit.map((a) => a.action)).toEqual(['organisation-created'])
  })

  it('invites a user in two steps without JavaScript, changes their role and disables them, with history', async () => {
    await client.get('/admin/users/invite')
    const step = await client.post('/admin/users/invite', {
      displayName: 'Dee Officer',
      email: 'dee@example.org',
      organisationId: councilId,
      step: 'organisation',
    })
    const $ = load(step.body)
    expect(
      $('input[name=role]')
        .map((_, r) => $(r).attr('value'))
        .get(),
    ).toEqual(['admin', 'council_officer', 'finance_officer', 'viewer'])
    const sent = await client.post('/admin/users/invite', {
      displayName: 'Dee Officer',
      email: 'dee@example.org',
      organisationId: councilId,
      role: 'viewer',
    })
    const userId = sent.headers.location!.split('/')[3]!.split('?')[0]!
    await client.get(`/admin/users/${userId}/edit`)
    const bad = await client.post(`/admin/users/${userId}/edit`, {
      displayName: 'Dee Officer',
      role: 'provider_manager',
    })
    expect(bad.statusCode).toBe(400)
    expect(load(bad.body)('.govuk-error-summary').text()).toContain(
      'Select a role this organisation’s users can have',
    )
    await client.post(`/admin/users/${userId}/edit`, { displayName: 'Dee Officer', role: 'council_officer' })
    await client.post(`/admin/users/${userId}/disable`, {})
    const user = await t.database.db
      .selectFrom('users')
      .select(['role', 'status'])
      .where('id', '=', userId)
      .executeTakeFirstOrThrow()
    expect(user).toEqual({ role: 'council_officer', status: 'disabled' })
    const history = await client.get(`/admin/audit?entityId=${userId}`)
    const actions = load(history.body)('tbody tr td:nth-child(2)')
      .map((_, td) => load(td).text())
      .get()
    expect(actions).toEqual(['user-disabled', 'user-updated', 'user-invited'])
  })

  it('refuses an admin changing their own role or disabling themselves', async () => {
    await client.get(`/admin/users/${admin.id}/edit`)
    const response = await client.post(`/admin/users/${admin.id}/edit`, { displayName: 'Me', role: 'viewer' })
    expect(load(response.body)('.govuk-error-summary').text()).toContain('You cannot change your own role')
    expect((await client.post(`/admin/users/${admin.id}/disable`, {})).statusCode).toBe(404)
  })

  it('paginates and searches the users list', async () => {
    for (let i = 0; i < 30; i++) await createUser(t.database.db, councilId, 'viewer', `bulk${i}@example.org`)
    const first = load((await client.get('/admin/users')).body)
    expect(first('tbody tr').length).toBe(25)
    expect(first('.govuk-pagination__next a').attr('href')).toBe('/admin/users?page=2')
    const search = load((await client.get('/admin/users?search=bulk1')).body)
    expect(search('tbody tr').length).toBe(11)
  })
})
