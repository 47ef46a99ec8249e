import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createLocation,
  createOrganisation,
  createProvider,
  createUser,
} from '../../../test/support/factories.ts'
import { createAlert } from '../../../test/support/alerts.ts'
import { buildTestApp, type TestApp, TestClient } from '../../../test/support/test-app.ts'
import { engines } from '../../../test/support/test-database.ts'
import { notifyNewRedAlerts } from '../casework/index.ts'
import { sendDailyDigests } from './digests.service.ts'
import { sendImmediateNotices } from './immediate-notices.ts'

const baseUrl = 'http://carehub.test'
const at = (iso: string) => new Date(iso)

// A contact with a provider that sets the recording officer a follow-up; the summary names nobody
// here, but the test checks it never reaches an e-mail anyway.
const contact = (followUpDay: string) => ({
  state: 'done',
  method: 'call',
  direction: 'outgoing',
  category: 'ppe',
  'contactDate-day': '14',
  'contactDate-month': '4',
  'contactDate-year': '2020',
  contactTime: '08:30',
  spokeTo: 'Registered manager',
  summary: 'Secret summary of the call',
  actionsAgreed: '',
  'followUpDate-day': followUpDay,
  'followUpDate-month': '4',
  'followUpDate-year': '2020',
})

describe.each(engines)('e-mails as they happen, or in the daily digest, on %s', (engine) => {
  let t: TestApp
  const ids: Record<string, string> = {}
  const emails: Record<string, string> = {}

  beforeAll(async () => {
    t = await buildTestApp(engine)
    const db = t.database.db
    ids.council = await createOrganisation(db, 'council', 'Notice Council', { onsCode: 'E10000096' })
    for (const who of ['immediate', 'daily', 'colleague'] as const)
      emails[who] = (await createUser(db, ids.council, 'council_officer')).email
    ids.provider = await createProvider(db, 'Hazel Care Ltd')
    const org = await createOrganisation(db, 'provider', 'Hazel Care Ltd', { providerId: ids.provider })
    ids.location = await createLocation(db, ids.provider, ids.council, { name: 'Hazel House' })
    emails.manager = (await createUser(db, org, 'provider_manager')).email
  })
  afterAll(async () => {
    await t?.close()
  })

  async function signedIn(who: string) {
    const client = new TestClient(t.app)
    await client.signIn(emails[who]!)
    return client
  }
  // Each change a minute after the last, so that their order is clear.
  async function post(client: TestClient, path: string, form: Record<string, string>) {
    t.clock.advanceMinutes(1)
    await client.get(path)
    const response = await client.post(path, form)
    expect(response.statusCode).toBe(302)
    expect(response.headers.location).not.toMatch(/sign-in/)
  }
  const notices = (to: string) =>
    t.database.db
      .selectFrom('outboxMessages')
      .select(['subject', 'body'])
      .where('kind', '=', 'notice')
      .where('toAddress', '=', to)
      .orderBy('createdAt')
      .orderBy('subject')
      .execute()

  it('mails an officer on "as they happen" each enquiry change and follow-up once, the daily one none', async () => {
    const db = t.database.db
    const immediate = await signedIn('immediate')
    const daily = await signedIn('daily')
    const colleague = await signedIn('colleague')
    const page = (await immediate.get('/digests')).body
    expect(page).toContain('for each enquiry change someone else makes')
    expect(page).toContain('for each red or amber alert raised in your council’s market')
    await post(immediate, '/digests', { mode: 'immediate' })
    await post(daily, '/digests', { mode: 'daily' })
    // Nothing has happened yet: nothing is sent, and the colleague (who never chose) starts now.
    expect(await sendImmediateNotices(db, t.clock, baseUrl)).toBe(0)

    const manager = await signedIn('manager')
    t.clock.advanceMinutes(1)
    await manager.get('/enquiries/new')
    const question = {
      locationId: ids.location!,
      category: 'ppe',
      question: 'Secret question about Mrs Jones',
    }
    expect((await manager.post('/enquiries/new', { ...question, action: 'send' })).statusCode).toBe(302)
    const enquiry = await db.selectFrom('enquiries').select(['id', 'reference']).executeTakeFirstOrThrow()
    await post(colleague, `/enquiries/${enquiry.id}/status`, { status: 'in_progress', ownerUserId: '' })
    await post(colleague, `/enquiries/${enquiry.id}/respond`, { response: 'Secret answer' })
    // The officer's own change is not mailed to them.
    await post(immediate, `/enquiries/${enquiry.id}/status`, { status: 'closed', ownerUserId: '' })
    await post(immediate, `/locations/${ids.location}/contact-log/new`, contact('14'))
    await post(immediate, `/locations/${ids.location}/contact-log/new`, contact('15'))
    await post(daily, `/locations/${ids.location}/contact-log/new`, contact('14'))
    const changes = await db
      .selectFrom('enquiryEvents')
      .select('kind')
      .where('enquiryId', '=', enquiry.id)
      .orderBy('occurredAt')
      .execute()
    expect(changes.map((c) => c.kind)).toEqual([
      'received',
      'status_changed',
      'responded',
      'status_changed',
      'owner_changed',
    ])

    t.clock.set(at('2020-04-14T09:30:00Z'))
    const first = await sendImmediateNotices(db, t.clock, baseUrl)
    // Run again, as a second instance would: nothing more.
    expect(await sendImmediateNotices(db, t.clock, baseUrl)).toBe(0)
    t.clock.set(at('2020-04-14T09:31:00Z'))
    expect(await sendImmediateNotices(db, t.clock, baseUrl)).toBe(0)
    // A second instance that read the marks before this run moved them, or a run that queued the
    // e-mails and crashed before moving its mark, lists everything again: the outbox keeps one of each.
    await db
      .updateTable('digestPreferences')
      .set({ lastDigestAt: at('2020-04-14T08:00:00Z') })
      .execute()
    expect(await sendImmediateNotices(db, t.clock, baseUrl)).toBe(0)

    const mine = await notices(emails.immediate!)
    expect(mine.map((m) => m.subject).sort()).toEqual(
      [
        `CareHub: Enquiry ${enquiry.reference}: new enquiry`,
        `CareHub: Enquiry ${enquiry.reference}: status changed`,
        `CareHub: Enquiry ${enquiry.reference}: answered`,
        'CareHub: Follow-up due: Hazel House',
      ].sort(),
    )
    // The colleague (on "as they happen" without choosing) hears of the question and of the officer's
    // closing, not of their own changes; the daily officer of nothing.
    expect((await notices(emails.colleague!)).map((m) => m.subject)).toEqual([
      `CareHub: Enquiry ${enquiry.reference}: new enquiry`,
      `CareHub: Enquiry ${enquiry.reference}: owner changed`,
      `CareHub: Enquiry ${enquiry.reference}: status changed`,
    ])
    expect(await notices(emails.daily!)).toEqual([])
    expect(first).toBe(7)
    for (const m of mine) {
      expect(m.body).not.toMatch(/Secret|Jones/)
      expect(m.subject).not.toMatch(/Secret|Jones/)
    }
    expect(mine.find((m) => m.subject.includes('answered'))!.body).toContain(
      `${baseUrl}/enquiries/${enquiry.id}`,
    )

    // A change whose transaction committed after a run had moved past its time is still sent, once.
    await db
      .insertInto('enquiryEvents')
      .values({
        enquiryId: enquiry.id,
        kind: 'received',
        details: '{}',
        occurredAt: at('2020-04-14T09:29:00Z'),
      })
      .execute()
    t.clock.set(at('2020-04-14T09:32:00Z'))
    expect(await sendImmediateNotices(db, t.clock, baseUrl)).toBe(2)
    expect(await sendImmediateNotices(db, t.clock, baseUrl)).toBe(0)

    // The next day's follow-up is mailed when the day comes (London midnight), once.
    t.clock.set(at('2020-04-14T23:01:00Z'))
    expect(await sendImmediateNotices(db, t.clock, baseUrl)).toBe(1)
    expect(await sendImmediateNotices(db, t.clock, baseUrl)).toBe(0)
    const followUps = (await notices(emails.immediate!)).filter((m) => m.subject.includes('Follow-up'))
    expect(followUps.map((m) => m.body.split('\n')[0])).toEqual([
      'Follow-up due 14 April 2020: Hazel House (PPE)',
      'Follow-up due 15 April 2020: Hazel House (PPE)',
    ])
    expect(await notices(emails.daily!)).toEqual([])

    // The daily officer has it all in the next digest, once.
    t.clock.set(at('2020-04-15T06:00:00Z'))
    expect(await sendDailyDigests(db, t.clock, baseUrl)).toBe(1)
    expect(await sendDailyDigests(db, t.clock, baseUrl)).toBe(0)
    t.clock.set(at('2020-04-16T06:00:00Z'))
    expect(await sendDailyDigests(db, t.clock, baseUrl)).toBe(0)
    const digests = await db
      .selectFrom('outboxMessages')
      .select(['toAddress', 'body'])
      .where('kind', '=', 'digest')
      .execute()
    expect(digests.map((d) => d.toAddress)).toEqual([emails.daily])
    const lines = digests[0]!.body.split('\n').filter((l) => l.startsWith('- '))
    // In time order (the follow-up by its contact's time), the late change last.
    expect(lines).toEqual([
      '- Follow-up due 14 April 2020: Hazel House (PPE)',
      `- Enquiry ${enquiry.reference}: new enquiry`,
      `- Enquiry ${enquiry.reference}: status changed`,
      `- Enquiry ${enquiry.reference}: answered`,
      `- Enquiry ${enquiry.reference}: status changed`,
      `- Enquiry ${enquiry.reference}: owner changed`,
      `- Enquiry ${enquiry.reference}: new enquiry`,
    ])
    expect(digests[0]!.body).not.toMatch(/Secret|Jones/)
  })

  it('tells an officer on "as they happen" of each alert the digest lists, amber too, a red one once', async () => {
    const db = t.database.db
    const partner = await createOrganisation(db, 'partner', 'Notice CCG')
    const nurse = (await createUser(db, partner, 'partner_officer')).email
    const birch = await createLocation(db, ids.provider!, ids.council!, { name: 'Birch Lodge' })
    // A minute apart, so that their order is clear.
    const raise = (locationId: string, key: string, severity: 'red' | 'amber', title: string) => {
      t.clock.advanceMinutes(1)
      return createAlert(db, { locationId, key, severity, title, message: 'Details', at: t.clock.now() })
    }
    t.clock.set(at('2020-04-16T07:59:00Z'))
    await raise(ids.location!, 'staffing', 'amber', 'Staffing low')
    // Unowned, in the council's area: casework's red-alert e-mail goes to the council's officers.
    await raise(ids.location!, 'outbreak', 'red', 'Outbreak')
    // Owned by the CCG: the red-alert e-mail goes to the CCG's officers, not the council's.
    const fire = await raise(birch, 'fire', 'red', 'Fire damage')
    await db
      .updateTable('cases')
      .set({ owningOrganisationId: partner })
      .where('id', '=', fire.caseId)
      .execute()

    // The notices run before the red-alert e-mails: each council officer on "as they happen" is
    // e-mailed the amber alert and the CCG's red one, and the outbreak is left to its red-alert e-mail.
    t.clock.set(at('2020-04-16T08:03:00Z'))
    expect(await sendImmediateNotices(db, t.clock, baseUrl)).toBe(4)
    expect(await notifyNewRedAlerts(db, t.clock, baseUrl)).toEqual({ alerts: 2, emails: 4 })
    expect(await sendImmediateNotices(db, t.clock, baseUrl)).toBe(0)
    // And after them: a red alert e-mailed to the team first is not sent again as a notice.
    t.clock.set(at('2020-04-16T08:09:00Z'))
    await raise(ids.location!, 'no-return', 'red', 'No return')
    t.clock.set(at('2020-04-16T08:11:00Z'))
    expect(await notifyNewRedAlerts(db, t.clock, baseUrl)).toEqual({ alerts: 1, emails: 3 })
    expect(await sendImmediateNotices(db, t.clock, baseUrl)).toBe(0)

    const alertNotices = async (to: string) =>
      (await notices(to)).filter((m) => m.subject.includes('alert')).map((m) => m.subject)
    const redAlertMails = (to: string) =>
      db
        .selectFrom('outboxMessages')
        .select('body')
        .where('kind', 'in', ['red-alert', 'red-alert-digest'])
        .where('toAddress', '=', to)
        .orderBy('createdAt')
        .execute()
    for (const who of ['immediate', 'colleague']) {
      expect(await alertNotices(emails[who]!)).toEqual([
        'CareHub: Amber alert at Hazel House',
        'CareHub: Red alert at Birch Lodge',
      ])
      const red = (await redAlertMails(emails[who]!)).map((m) => m.body)
      expect(red).toHaveLength(2)
      expect(red[0]).toContain('Hazel House: Outbreak')
      expect(red[1]).toContain('Hazel House: No return')
      expect(red.join('\n')).not.toContain('Fire damage')
    }
    const amber = (await notices(emails.immediate!)).find((m) => m.subject.includes('Amber'))!
    expect(amber.body.split('\n')[0]).toBe('amber alert: Staffing low at Hazel House')
    expect(await alertNotices(emails.daily!)).toEqual([])
    expect((await redAlertMails(nurse)).map((m) => m.body).join('\n')).toContain('Birch Lodge: Fire damage')

    // The daily digest lists the same four alerts: the officer on "as they happen" heard of each once.
    t.clock.set(at('2020-04-17T06:00:00Z'))
    expect(await sendDailyDigests(db, t.clock, baseUrl)).toBe(1)
    const digest = await db
      .selectFrom('outboxMessages')
      .select('body')
      .where('kind', '=', 'digest')
      .orderBy('createdAt', 'desc')
      .executeTakeFirstOrThrow()
    expect(digest.body.split('\n').filter((l) => l.includes(' alert: '))).toEqual([
      '- amber alert: Staffing low at Hazel House',
      '- red alert: Outbreak at Hazel House',
      '- red alert: Fire damage at Birch Lodge',
      '- red alert: No return at Hazel House',
    ])
  })
})
