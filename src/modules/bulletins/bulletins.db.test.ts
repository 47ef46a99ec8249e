import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createLocation,
  createOrganisation,
  createProvider,
  createUser,
} from '../../../test/support/factories.ts'
import { buildTestApp, type TestApp, TestClient } from '../../../test/support/test-app.ts'
import { engines } from '../../../test/support/test-database.ts'
import { sendDueEmails } from '../comms/index.ts'
import { queueBulletin } from './bulletins.repository.ts'
import { sendDueBulletins } from './bulletins.service.ts'
import { hostileBody, runnable } from './bulletins.test-fixture.ts'

describe.each(engines)('bulletins on %s', (engine) => {
  let t: TestApp
  const ids: Record<string, string> = {}
  const emails: Record<string, string> = {}

  // A provider with a location of the given kind; its users (provider managers) by name.
  async function provider(
    key: string,
    serviceType: 'home_care' | 'care_home_residential',
    area: string,
    contracted: boolean,
    users: string[],
  ) {
    const db = t.database.db
    ids[key] = await createProvider(db, `Provider ${key}`)
    const org = await createOrganisation(db, 'provider', `Provider ${key}`, { providerId: ids[key] })
    const location = await createLocation(db, ids[key]!, ids.council!, {
      serviceType,
      contractedBy: contracted ? [ids.council!] : [],
    })
    await db.updateTable('locations').set({ area }).where('id', '=', location).execute()
    for (const name of users) {
      const user = await createUser(db, org, 'provider_manager')
      ids[name] = user.id
      emails[name] = user.email
    }
    return location
  }

  beforeAll(async () => {
    t = await buildTestApp(engine)
    const db = t.database.db
    ids.council = await createOrganisation(db, 'council', 'Bulletin Council', { onsCode: 'E10000081' })
    ids.otherCouncil = await createOrganisation(db, 'council', 'Other Bulletin Council', {
      onsCode: 'E10000082',
    })
    const officer = await createUser(db, ids.council, 'council_officer')
    ids.officer = officer.id
    emails.officer = officer.email
    const other = await createUser(db, ids.otherCouncil, 'council_officer')
    emails.otherOfficer = other.email
    const first = await provider('north', 'home_care', 'North', true, ['ann', 'bob'])
    // A second matching location of the same provider: its users are still reached once.
    const second = await createLocation(db, ids.north!, ids.council, {
      serviceType: 'home_care',
      contractedBy: [ids.council],
    })
    void first
    void second
    await provider('south', 'home_care', 'South', true, ['cat'])
    await provider('uncontracted', 'home_care', 'North', false, ['dan'])
    await provider('residential', 'care_home_residential', 'North', true, ['eve'])
    await provider('quiet', 'home_care', 'North', true, ['fay', 'gus'])
    await db.updateTable('users').set({ status: 'disabled' }).where('id', '=', ids.gus!).execute()
  })
  afterAll(async () => {
    await t?.close()
  })

  // The users a bulletin to "home care in the North area, contracted" must reach, by a direct query.
  async function expectedRecipients(): Promise<string[]> {
    const { rows } = await sql<{ email: string }>`
      select distinct u.email from users u
      join organisations o on o.id = u.organisation_id
      join locations l on l.provider_id = o.provider_id
      where u.role = 'provider_manager' and u.status = 'active' and l.status = 'open'
        and l.service_type = 'home_care' and l.area = 'North'
        and exists (select 1 from council_contracts c where c.location_id = l.id and c.council_id = ${ids.council})
      order by u.email`.execute(t.database.db)
    return rows.map((r) => r.email)
  }

  async function outboxTo(bulletinId: string) {
    const rows = await t.database.db
      .selectFrom('outboxMessages')
      .select(['toAddress', 'body'])
      .where('dedupeKey', 'like', `bulletin:${bulletinId}:%`)
      .orderBy('toAddress')
      .execute()
    return rows
  }

  async function draftThroughPages(client: TestClient, title: string, body: string) {
    await client.get('/bulletins/new')
    const posted = await client.post('/bulletins/new', {
      title,
      body,
      serviceTypes: 'home_care',
      areas: 'North',
      contracted: 'yes',
      inArea: '',
      situation: '',
      listId: '',
    })
    expect(posted.statusCode).toBe(302)
    return posted.headers.location!.split('/')[2]!
  }

  it('reaches exactly the providers’ users the audience means, each once, and tracks who read it', async () => {
    const officer = new TestClient(t.app)
    await officer.signIn(emails.officer!)
    const id = await draftThroughPages(officer, 'Home care PPE', 'Gloves are **in stock**.')
    const check = await officer.get(`/bulletins/${id}/check`)
    expect(check.statusCode).toBe(200)
    const expected = await expectedRecipients()
    expect(expected).toEqual([emails.ann, emails.bob, emails.fay].sort())
    expect(check.body).toContain(`<span id="audience-count">3</span> people at 2 providers`)
    expect(check.body).toContain('<strong>in stock</strong>')

    expect((await officer.post(`/bulletins/${id}/send`, { when: 'now' })).statusCode).toBe(302)
    const queued = await outboxTo(id)
    expect(queued.map((m) => m.toAddress)).toEqual(expected)

    // Another council's officer cannot see it.
    const other = new TestClient(t.app)
    await other.signIn(emails.otherOfficer!)
    expect((await other.get(`/bulletins/${id}`)).statusCode).toBe(404)
    // A provider outside the audience cannot either.
    const outside = new TestClient(t.app)
    await outside.signIn(emails.cat!)
    expect((await outside.get(`/bulletins/${id}`)).statusCode).toBe(404)

    // Ann reads it in CareHub: it was listed unread first, and is read now.
    const ann = new TestClient(t.app)
    await ann.signIn(emails.ann!)
    expect((await ann.get('/')).body).toContain('Unread</strong> <a class="govuk-link" href="/bulletins/')
    expect((await ann.get(`/bulletins/${id}`)).statusCode).toBe(200)
    // Bob follows the link in his e-mail, without signing in.
    const link = /\/bulletins\/read\/([0-9a-f]{64})/.exec(
      queued.find((m) => m.toAddress === emails.bob)!.body,
    )!
    const followed = await new TestClient(t.app).get(link[0])
    expect(followed.statusCode).toBe(302)

    const page = await officer.get(`/bulletins/${id}`)
    expect(page.body).toContain('<span id="read-count">2</span> people')
    expect(page.body).toContain('(from the e-mail)')

    // Fay has not read it: sent again after 0 days, once only however often asked.
    t.clock.advanceMinutes(60 * 24 * 3)
    await officer.signIn(emails.officer!)
    await officer.get(`/bulletins/${id}`)
    // Fay may read it, not send it again: refused before her form is read, and not marked read by it.
    const fay = new TestClient(t.app)
    await fay.signIn(emails.fay!)
    await fay.get('/')
    expect((await fay.post(`/bulletins/${id}/resend`, { days: 'three' })).statusCode).toBe(404)
    const wrong = await officer.post(`/bulletins/${id}/resend`, { days: 'three' })
    expect(wrong.statusCode).toBe(400)
    expect(wrong.body).toContain('Days must be a whole number, like 3')
    expect((await officer.post(`/bulletins/${id}/resend`, { days: '3' })).headers.location).toContain(
      'resent=1',
    )
    expect((await officer.post(`/bulletins/${id}/resend`, { days: '3' })).headers.location).toContain(
      'resent=0',
    )
    const reminders = await t.database.db
      .selectFrom('outboxMessages')
      .select('toAddress')
      .where('dedupeKey', 'like', `bulletin-reminder:${id}:%`)
      .execute()
    expect(reminders.map((r) => r.toAddress)).toEqual([emails.fay])

    // A delivery failure is listed to fix the contact.
    t.mail.fail(new Error('550 mailbox unavailable'))
    await sendDueEmails(t.database.db, t.mail, t.clock, 500)
    t.mail.fail(null)
    expect((await officer.get(`/bulletins/${id}`)).body).toContain('550 mailbox unavailable')
  })

  it('queues nobody twice when the sender stops half-way and starts again', async () => {
    const officer = new TestClient(t.app)
    await officer.signIn(emails.officer!)
    const id = await draftThroughPages(officer, 'Crash test', 'Once each.')
    // Sent as the button would, but the sender stops after its first batch of one.
    await t.database.db.updateTable('bulletins').set({ status: 'sending' }).where('id', '=', id).execute()
    await expect(
      queueBulletin(t.database.db, id, t.clock.now(), {
        baseUrl: 'http://carehub.test',
        batchSize: 1,
        afterBatch: (n) => {
          if (n === 0) throw new Error('the process died')
        },
      }),
    ).rejects.toThrow('the process died')
    expect((await outboxTo(id)).length).toBe(1)
    // The job picks it up again, twice over: still one message each.
    expect(await sendDueBulletins(t.database.db, t.clock, 'http://carehub.test')).toBeGreaterThanOrEqual(1)
    await queueBulletin(t.database.db, id, t.clock.now(), { baseUrl: 'http://carehub.test', batchSize: 2 })
    expect((await outboxTo(id)).map((m) => m.toAddress)).toEqual(await expectedRecipients())
  })

  it('renders a hostile body inert on the page, in the preview and in the mail', async () => {
    const officer = new TestClient(t.app)
    await officer.signIn(emails.officer!)
    const id = await draftThroughPages(officer, 'Hostile', hostileBody)
    const preview = (await officer.get(`/bulletins/${id}/check`)).body
    const previewBody = preview.slice(preview.indexOf('id="bulletin-preview"'), preview.indexOf('</form>'))
    expect(runnable(previewBody)).toEqual([])
    await officer.post(`/bulletins/${id}/send`, { when: 'now' })
    const ann = new TestClient(t.app)
    await ann.signIn(emails.ann!)
    const page = (await ann.get(`/bulletins/${id}`)).body
    expect(page).toContain('&lt;script&gt;')
    expect(runnable(page.slice(page.indexOf('id="bulletin-body"')))).toEqual([])
    const [mail] = (await outboxTo(id)).filter((m) => m.toAddress === emails.ann)
    expect(mail!.body).not.toMatch(/[<>]/)
    expect(mail!.body).not.toMatch(/\(javascript:/)
    expect(mail!.body).toContain('the portal (https://ppe.example/order)')
  })

  it('schedules a bulletin for later and the job sends it when due', async () => {
    const officer = new TestClient(t.app)
    await officer.signIn(emails.officer!)
    const id = await draftThroughPages(officer, 'Later', 'Tomorrow.')
    const past = await officer.post(`/bulletins/${id}/send`, {
      when: 'later',
      'sendOn-day': '1',
      'sendOn-month': '1',
      'sendOn-year': '2020',
      sendTime: '09:00',
    })
    expect(past.statusCode).toBe(400)
    expect(past.body).toContain('The date and time to send must be in the future')
    const tomorrow = new Date(t.clock.now().getTime() + 86_400_000)
    const [y, m, d] = tomorrow.toISOString().slice(0, 10).split('-')
    const later = await officer.post(`/bulletins/${id}/send`, {
      when: 'later',
      'sendOn-day': d!,
      'sendOn-month': m!,
      'sendOn-year': y!,
      sendTime: '23:30',
    })
    expect(later.statusCode).toBe(302)
    await sendDueBulletins(t.database.db, t.clock, 'http://carehub.test')
    expect((await outboxTo(id)).length).toBe(0)
    t.clock.advanceMinutes(60 * 48)
    await sendDueBulletins(t.database.db, t.clock, 'http://carehub.test')
    expect((await outboxTo(id)).length).toBe(3)
  })

  it('links resource pack items, and finds bulletins in the archive by words and dates', async () => {
    const db = t.database.db
    const item = await db
      .insertInto('resourceItems')
      .values({
        councilId: ids.council!,
        category: 'ppe',
        title: 'Mask fitting guide',
        ownerUserId: ids.officer!,
        createdAt: t.clock.now(),
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await db
      .insertInto('resourceVersions')
      .values({
        itemId: item.id,
        version: 1,
        link: 'https://guide.example/masks',
        summary: 'How to',
        reviewOn: '2021-01-01',
        createdAt: t.clock.now(),
      })
      .execute()
    const officer = new TestClient(t.app)
    await officer.signIn(emails.officer!)
    expect((await officer.get('/bulletins/new')).body).toContain('Mask fitting guide')
    const posted = await officer.post('/bulletins/new', {
      title: 'Masks this week',
      body: 'See the guide.',
      resourceItemIds: item.id,
      serviceTypes: 'home_care',
      areas: 'North',
      contracted: 'yes',
    })
    const id = posted.headers.location!.split('/')[2]!
    expect((await officer.get(`/bulletins/${id}/check`)).body).toContain(
      `href="/resources/${item.id}">Mask fitting guide</a>`,
    )
    await officer.post(`/bulletins/${id}/send`, { when: 'now' })
    const [mail] = await outboxTo(id)
    expect(mail!.body).toContain(`- Mask fitting guide: http://carehub.test/resources/${item.id}`)

    const found = (await officer.get('/bulletins?q=masks')).body
    expect(found).toContain('Masks this week')
    expect(found).not.toContain('Crash test')
    expect((await officer.get('/bulletins?q=masks&from=2030-01-01')).body).toContain(
      'No bulletins match your search.',
    )
  })
})
