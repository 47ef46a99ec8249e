import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createOrganisation, createUser } from '../../../test/support/factories.ts'
import { buildTestApp, type TestApp, TestClient } from '../../../test/support/test-app.ts'
import { engines } from '../../../test/support/test-database.ts'

// `carehub user create` and `carehub user reset-password` go through the users service: the same
// invitation, link and e-mail as the web, audited, with each problem named by the command's option.
describe.each(engines)('the carehub command’s user commands on %s', (engine) => {
  let t: TestApp

  beforeAll(async () => {
    t = await buildTestApp(engine)
  })
  afterAll(async () => {
    await t?.close()
  })

  const outbox = (to: string) =>
    t.database.db
      .selectFrom('outboxMessages')
      .select(['kind', 'subject', 'body'])
      .where('toAddress', '=', to)
      .orderBy('createdAt')
      .execute()
  const auditOf = (entityId: string) =>
    t.database.db
      .selectFrom('auditEvents')
      .select(['action', 'actorUserId', 'after'])
      .where('entityId', '=', entityId)
      .orderBy('id')
      .execute()

  it('creates the first admin and their council, sends the web’s invitation, and audits both', async () => {
    const created = await t.services.users.createUserByCommand({
      email: ' First.Admin@Example.org ',
      name: 'First Admin',
      role: 'admin',
      organisation: 'Example County Council',
      organisationKind: 'council',
      onsCode: 'E10000077',
    })
    if (!created.ok) throw new Error(JSON.stringify(created.errors))
    expect(created.value.link).toMatch(/^http:\/\/carehub\.test\/accept-invitation\/[\w-]{40,}$/)

    const [email] = await outbox('first.admin@example.org')
    expect(email).toMatchObject({ kind: 'invitation', subject: 'You have been invited to CareHub' })
    expect(email!.body).toContain('Dear First Admin,')
    expect(email!.body).toContain(created.value.link)

    const user = await t.database.db
      .selectFrom('users')
      .innerJoin('organisations', 'organisations.id', 'users.organisationId')
      .select([
        'users.status',
        'users.passwordHash',
        'organisations.id as organisationId',
        'organisations.onsCode',
      ])
      .where('users.id', '=', created.value.userId)
      .executeTakeFirstOrThrow()
    expect(user).toMatchObject({ status: 'invited', passwordHash: null, onsCode: 'E10000077' })
    expect((await auditOf(created.value.userId)).map((a) => [a.action, a.actorUserId])).toEqual([
      ['user-created-by-command', null],
    ])
    expect((await auditOf(user.organisationId)).map((a) => [a.action, a.actorUserId])).toEqual([
      ['organisation-created', null],
    ])

    // The printed link is the web's: it opens the set-password page.
    const visitor = new TestClient(t.app)
    expect((await visitor.get(created.value.link.replace('http://carehub.test', ''))).statusCode).toBe(200)
  })

  it('names the option of each problem and saves nothing', async () => {
    const councilId = await createOrganisation(t.database.db, 'council', 'Taken Council', {
      onsCode: 'E10000078',
    })
    const taken = await createUser(t.database.db, councilId, 'admin', 'taken@example.org')
    const users = async () => (await t.database.db.selectFrom('users').select('id').execute()).length
    const organisations = async () =>
      (await t.database.db.selectFrom('organisations').select('id').execute()).length
    const before = [await users(), await organisations()]
    const attempt = (changes: Partial<Parameters<TestApp['services']['users']['createUserByCommand']>[0]>) =>
      t.services.users.createUserByCommand({
        email: 'someone@example.org',
        name: 'Some One',
        role: 'admin',
        organisation: 'New Council',
        organisationKind: 'council',
        onsCode: 'E10000079',
        ...changes,
      })

    expect(await attempt({ email: 'not an address', name: ' ' })).toEqual({
      ok: false,
      errors: {
        email: 'Enter an e-mail address in the correct format, like name@example.org',
        name: 'Enter the person’s full name',
      },
    })
    expect(await attempt({ role: 'provider_manager' })).toEqual({
      ok: false,
      errors: { role: 'A council user cannot have the role provider_manager' },
    })
    expect(await attempt({ email: taken.email.toUpperCase() })).toEqual({
      ok: false,
      errors: { email: 'A user with the e-mail address taken@example.org already exists' },
    })
    expect(
      await attempt({ organisation: 'taken council', organisationKind: 'region', role: 'admin' }),
    ).toEqual({
      ok: false,
      errors: { organisation: 'taken council is a council, not a region' },
    })
    expect(await attempt({ onsCode: undefined })).toEqual({
      ok: false,
      errors: { onsCode: 'Enter the council’s ONS code' },
    })
    expect([await users(), await organisations()]).toEqual(before)
  })

  it('resets a password: unlocks the account and sends the web’s reset link, audited as by the command', async () => {
    const councilId = await createOrganisation(t.database.db, 'council', 'Locked Council', {
      onsCode: 'E10000080',
    })
    const user = await createUser(t.database.db, councilId, 'council_officer', 'locked@example.org')
    await t.database.db
      .updateTable('users')
      .set({ failedSignInCount: 10, lockedUntil: new Date('2020-04-14T09:00:00Z') })
      .where('id', '=', user.id)
      .execute()

    const reset = await t.services.users.resetPasswordByCommand('Locked@Example.org')
    if (!reset.ok) throw new Error(JSON.stringify(reset.errors))
    expect(reset.value.link).toMatch(/^http:\/\/carehub\.test\/reset-password\/[\w-]{40,}$/)
    expect(
      await t.database.db
        .selectFrom('users')
        .select(['failedSignInCount', 'lockedUntil'])
        .where('id', '=', user.id)
        .executeTakeFirstOrThrow(),
    ).toEqual({ failedSignInCount: 0, lockedUntil: null })
    const [email] = await outbox('locked@example.org')
    expect(email).toMatchObject({ kind: 'password-reset', subject: 'Reset your CareHub password' })
    expect(email!.body).toContain(reset.value.link)
    expect((await auditOf(user.id)).map((a) => [a.action, a.after])).toEqual([
      ['password-reset-requested', { by: 'command' }],
    ])

    const visitor = new TestClient(t.app)
    expect((await visitor.get(reset.value.link.replace('http://carehub.test', ''))).statusCode).toBe(200)

    expect(await t.services.users.resetPasswordByCommand('nobody@example.org')).toEqual({
      ok: false,
      errors: { email: 'No user has the e-mail address nobody@example.org' },
    })
  })
})
