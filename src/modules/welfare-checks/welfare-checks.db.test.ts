import { load } from 'cheerio'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type TestApp, TestClient } from '../../../test/support/test-app.ts'
import { engines } from '../../../test/support/test-database.ts'
import { fixedClock } from '../../domain/clock.ts'
import { applyRetention } from '../retention/index.ts'
import { escalateOverdueChecks, welfareRetention } from './index.ts'
import { agencyReturn, setUpWelfare } from './welfare-checks.test-fixture.ts'

const errorsOf = (body: string) => {
  const $ = load(body)
  return $('.govuk-error-summary__list a')
    .map((_, a) => $(a).text().trim())
    .get()
}

const periods = { welfareDays: 90, staffingPoolDays: 365, contactNamesDays: 730 }

describe.each(engines)('welfare checks on %s', (engine) => {
  let t: TestApp
  const ids: Record<string, string> = {}
  const emails: Record<string, string> = {}
  const pages: Record<string, string> = {}

  beforeAll(async () => {
    t = await setUpWelfare(engine, ids, emails)
  })
  afterAll(async () => {
    await t?.close()
  })

  const signedIn = async (who: string) => {
    const client = new TestClient(t.app)
    await client.signIn(emails[who]!)
    return client
  }
  const count = async (table: 'welfarePeople' | 'welfareCheckOutcomes' | 'welfareCancellations') =>
    Number(
      (
        await t.database.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    )

  it('lists the people of a return’s 12 cancelled visits; two checks assigned, one no contact, escalated', async () => {
    // The agency's manager sends the week's return: 12 visits missed or cancelled.
    const manager = await signedIn('manager')
    await manager.get(`/locations/${ids.agency}/returns/new`)
    const check = await manager.post(`/locations/${ids.agency}/returns/check`, agencyReturn)
    expect(check.statusCode).toBe(200)
    const periodStart = load(check.body)('input[name="periodStart"]').val() as string
    const sent = await manager.post(`/locations/${ids.agency}/returns/check`, {
      ...agencyReturn,
      periodStart,
      action: 'submit',
    })
    expect(sent.statusCode).toBe(302)

    const officer = await signedIn('officer')
    const list = await officer.get('/welfare')
    expect(list.statusCode).toBe(200)
    const $ = load(list.body)
    expect($('main').text()).toContain('Willow Homecare')
    const href = $('a:contains("Open")').first().attr('href')!
    expect(href).toMatch(/^\/welfare\/cancellations\/[0-9a-f-]{36}$/)
    pages.cancellation = href
    expect(load((await officer.get(href)).body)('main').text()).toContain('12')

    for (const [reference, initials, flags] of [
      ['HC-1042', 'js', 'livesAlone'],
      ['HC-1043', 'AB', 'noFamilyNearby'],
    ] as const) {
      const added = await officer.post(`${href}/people`, { reference, initials, area: 'Eastfield', flags })
      expect(added.statusCode).toBe(303)
    }
    const people = await t.database.db
      .selectFrom('welfarePeople')
      .select(['id', 'reference', 'initials'])
      .orderBy('reference')
      .execute()
    expect(people.map((p) => [p.reference, p.initials])).toEqual([
      ['HC-1042', 'JS'],
      ['HC-1043', 'AB'],
    ])
    pages.check = `/welfare/checks/${people[0]!.id}`
    await officer.get(href)
    const assigned = await officer.post(`${href}/assign`, {
      personIds: people[0]!.id,
      officerId: ids.officer!,
    })
    expect(assigned.statusCode).toBe(303)
    await officer.get(href)
    expect(
      (await officer.post(`${href}/assign`, { personIds: people[1]!.id, officerId: ids.officer! }))
        .statusCode,
    ).toBe(303)

    await officer.get(pages.check)
    const noContact = await officer.post(`${pages.check}/outcome`, {
      outcome: 'no_contact',
      'outcomeDate-day': '16',
      'outcomeDate-month': '4',
      'outcomeDate-year': '2020',
      note: 'No answer',
    })
    expect(noContact.statusCode).toBe(303)
    // The other check is made: safe.
    await officer.get(`/welfare/checks/${people[1]!.id}`)
    const safe = await officer.post(`/welfare/checks/${people[1]!.id}/outcome`, {
      outcome: 'safe',
      'outcomeDate-day': '16',
      'outcomeDate-month': '4',
      'outcomeDate-year': '2020',
      note: 'Daughter visiting daily',
    })
    expect(safe.statusCode).toBe(303)
    // Contact within 4 hours of the assignment (08:00): at 11:30 not yet due; at 12:00 escalated.
    expect(await escalateOverdueChecks(t.database.db, new Date('2020-04-16T11:30:00Z'))).toBe(0)
    expect(await escalateOverdueChecks(t.database.db, new Date('2020-04-16T12:00:00Z'))).toBe(1)
    const page = load((await officer.get(pages.check)).body)
    expect(page('main').text()).toContain('Escalated')
    const escalation = await t.database.db
      .selectFrom('auditEvents')
      .select(['entityId'])
      .where('action', '=', 'welfare-check-escalated')
      .execute()
    expect(escalation.map((e) => e.entityId)).toEqual([people[0]!.id])
    const mail = await t.database.db
      .selectFrom('outboxMessages')
      .select(['toAddress', 'body'])
      .where('kind', '=', 'welfare-escalation')
      .execute()
    expect(mail.map((m) => m.toAddress).sort()).toEqual([emails.admin, emails.officer].sort())
    expect(mail[0]!.body).not.toContain('HC-1042')
  })

  it('answers 404 on every welfare page to a partner, a provider, an officer without access and another council', async () => {
    const urls = [
      '/welfare',
      pages.cancellation!,
      pages.check!,
      `/welfare/cancellations/new?locationId=${ids.agency}`,
      '/welfare/access',
    ]
    for (const who of ['partner', 'manager', 'ungranted', 'viewer', 'otherOfficer']) {
      const client = await signedIn(who)
      // Another council's officer with access has a welfare list of their own, but none of these.
      const theirs = who === 'otherOfficer' ? urls.slice(1, 4) : urls
      for (const url of theirs) expect((await client.get(url)).statusCode, `${who} ${url}`).toBe(404)
      await client.get('/')
      for (const [url, form] of [
        [`${pages.cancellation}/people`, { reference: 'X1', initials: 'X', area: '' }],
        [
          `${pages.check}/outcome`,
          { outcome: 'safe', 'outcomeDate-day': '16', 'outcomeDate-month': '4', 'outcomeDate-year': '2020' },
        ],
      ] as const)
        expect((await client.post(url, form)).statusCode, `${who} POST ${url}`).toBe(404)
    }
    // Every view by a permitted user is in the audit, with who and when.
    const officer = await signedIn('officer')
    for (const url of urls.slice(0, 3)) expect((await officer.get(url)).statusCode).toBe(200)
    const views = await t.database.db
      .selectFrom('auditEvents')
      .select(['action', 'actorUserId', 'entityId', 'occurredAt'])
      .where('action', 'in', ['welfare-list-viewed', 'welfare-cancellation-viewed', 'welfare-check-viewed'])
      .where('actorUserId', '=', ids.officer!)
      .orderBy('id')
      .execute()
    const last = views.slice(-3)
    expect(last.map((v) => v.action)).toEqual([
      'welfare-list-viewed',
      'welfare-cancellation-viewed',
      'welfare-check-viewed',
    ])
    expect(last.every((v) => v.occurredAt instanceof Date)).toBe(true)
  })

  it('refuses a welfare outcome without a date, and other bad input, naming the field and saving nothing', async () => {
    const officer = await signedIn('officer')
    const outcomes = await count('welfareCheckOutcomes')
    await officer.get(pages.check!)
    const noDate = await officer.post(`${pages.check}/outcome`, { outcome: 'safe', note: '' })
    expect(noDate.statusCode).toBe(400)
    expect(errorsOf(noDate.body)).toEqual(['Enter the date of the check'])
    expect(load(noDate.body)('.govuk-error-summary a').attr('href')).toBe('#outcomeDate-day')
    const future = await officer.post(`${pages.check}/outcome`, {
      'outcomeDate-day': '30',
      'outcomeDate-month': '4',
      'outcomeDate-year': '2020',
    })
    expect(errorsOf(future.body)).toEqual([
      'Select the outcome of the check',
      'The date of the check must be today or in the past',
    ])
    expect(await count('welfareCheckOutcomes')).toBe(outcomes)

    const people = await count('welfarePeople')
    await officer.get(pages.cancellation!)
    const badPerson = await officer.post(`${pages.cancellation}/people`, {
      reference: '',
      initials: 'J5',
      area: '',
    })
    expect(badPerson.statusCode).toBe(400)
    expect(errorsOf(badPerson.body)).toEqual([
      'Enter the person’s reference',
      'Initials must be 1 to 4 letters, like JS',
    ])
    expect(await count('welfarePeople')).toBe(people)

    const cancellations = await count('welfareCancellations')
    await officer.get(`/welfare/cancellations/new?locationId=${ids.agency}`)
    const badCount = await officer.post('/welfare/cancellations/new', {
      locationId: ids.agency!,
      visitsCancelled: 'twelve',
      'cancelledDate-day': '',
      'cancelledDate-month': '',
      'cancelledDate-year': '',
    })
    expect(badCount.statusCode).toBe(400)
    expect(errorsOf(badCount.body)).toEqual([
      'Visits cancelled must be a whole number, like 12',
      'Enter the date the visits were cancelled',
    ])
    expect(await count('welfareCancellations')).toBe(cancellations)
    // A care home is not a home-care agency: no cancellations to record there.
    expect((await officer.get(`/welfare/cancellations/new?locationId=${ids.home}`)).statusCode).toBe(404)
  })

  it('lets the council’s admin give an officer access, and removes personal data after the retention period', async () => {
    const admin = await signedIn('admin')
    expect((await admin.get('/welfare/access')).statusCode).toBe(200)
    expect((await admin.post('/welfare/access', { userId: ids.ungranted!, give: 'yes' })).statusCode).toBe(
      303,
    )
    const ungranted = await signedIn('ungranted')
    expect((await ungranted.get('/welfare')).statusCode).toBe(200)
    await admin.get('/welfare/access')
    await admin.post('/welfare/access', { userId: ids.ungranted!, give: 'no' })
    expect((await ungranted.get('/welfare')).statusCode).toBe(404)

    // The second person's check ended safe; 90 days on, their reference, initials, area and notes go.
    const second = await t.database.db
      .selectFrom('welfarePeople')
      .select('id')
      .where('reference', '=', 'HC-1043')
      .executeTakeFirstOrThrow()
    const removeAt = async (at: string) =>
      (await applyRetention(t.database.db, fixedClock(new Date(at)), periods, [welfareRetention]))
        .welfare_people ?? 0
    expect(await removeAt('2020-07-14T08:00:00Z')).toBe(0)
    expect(await removeAt('2020-07-16T08:00:00Z')).toBe(1)
    const removed = await t.database.db
      .selectFrom('welfarePeople')
      .select(['reference', 'initials', 'area', 'outcome', 'personalDataRemovedAt'])
      .where('id', '=', second.id)
      .executeTakeFirstOrThrow()
    expect(removed).toMatchObject({ reference: null, initials: null, area: null, outcome: 'safe' })
    const notes = await t.database.db
      .selectFrom('welfareCheckOutcomes')
      .select('note')
      .where('personId', '=', second.id)
      .execute()
    expect(notes).toEqual([{ note: null }])
    const record = await t.database.db
      .selectFrom('auditEvents')
      .select(['after', 'councilId'])
      .where('action', '=', 'personal-data-removed')
      .executeTakeFirstOrThrow()
    expect(record.councilId).toBe(ids.council)
    expect(record.after).toMatchObject({
      tables: { welfarePeople: { anonymised: { count: 1, ids: [second.id] } } },
      retention: { 'welfare-checks': { periodDays: 90 } },
    })
  })
})
