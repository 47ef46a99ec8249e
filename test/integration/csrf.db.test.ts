import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createOrganisation, createUser } from '../support/factories.ts'
import { buildTestApp, type TestApp, TestClient } from '../support/test-app.ts'
import { engines } from '../support/test-database.ts'

describe.each(engines)('CSRF protection on %s', (engine) => {
  let t: TestApp
  let admin: { id: string; email: string }
  let officer: { id: string; email: string }

  beforeAll(async () => {
    t = await buildTestApp(engine)
    const council = await createOrganisation(t.database.db, 'council', 'Council C', { onsCode: 'E10000021' })
    admin = await createUser(t.database.db, council, 'admin')
    officer = await createUser(t.database.db, council, 'council_officer')
  })
  afterAll(async () => {
    await t?.close()
  })

  const snapshot = async () => ({
    organisations: await t.database.db.selectFrom('organisations').selectAll().orderBy('id').execute(),
    users: await t.database.db.selectFrom('users').select(['id', 'status', 'role']).orderBy('id').execute(),
    outbox: await t.database.db.selectFrom('outboxMessages').select('id').execute(),
  })

  it('refuses a form post without a CSRF token with 403 and changes nothing', async () => {
    const client = new TestClient(t.app)
    await client.signIn(admin.email)
    const before = await snapshot()
    const attempts = [
      [
        '/admin/organisations/new',
        { name: 'Forged Partner', kind: 'other_partner', onsCode: '', odsCode: '' },
      ],
      [
        '/admin/users/invite',
        {
          displayName: 'Forged',
          email: 'forged@example.org',
          organisationId: before.organisations[0]!.id,
          role: 'admin',
        },
      ],
      [`/admin/users/${officer.id}/disable`, {}],
    ] as const
    for (const [url, form] of attempts) {
      const response = await client.post(url, form, { csrf: false })
      expect(response.statusCode, url).toBe(403)
      expect(response.body).toContain('The form had expired or did not come from CareHub')
    }
    expect(await snapshot()).toEqual(before)
  })

  it('refuses a token from another browser (a forged form) with 403', async () => {
    const attacker = new TestClient(t.app)
    await attacker.get('/sign-in')
    const victim = new TestClient(t.app)
    await victim.signIn(admin.email)
    victim.csrfToken = attacker.csrfToken
    const before = await snapshot()
    const response = await victim.post(`/admin/users/${officer.id}/disable`, {})
    expect(response.statusCode).toBe(403)
    expect(await snapshot()).toEqual(before)
  })

  it('accepts the same post with the page’s token', async () => {
    const client = new TestClient(t.app)
    await client.signIn(admin.email)
    await client.get('/admin/organisations/new')
    const response = await client.post('/admin/organisations/new', {
      name: 'Real Partner',
      kind: 'other_partner',
      onsCode: '',
      odsCode: '',
    })
    expect(response.statusCode).toBe(302)
  })
})
