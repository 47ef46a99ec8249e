import { load } from 'cheerio'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLocation, createUser } from '../../../test/support/factories.ts'
import { riskMarket } from '../../../test/support/risk-market.ts'
import { type TestApp, TestClient } from '../../../test/support/test-app.ts'
import { engines } from '../../../test/support/test-database.ts'

// The rule editor offers the trend and outlier tests: their parameters as fields with GOV.UK errors,
// a preview saying why each location is flagged, and saving flags exactly those.
describe.each(engines)('trend rules in the rules admin on %s', (engine) => {
  let t: TestApp
  let council: string
  let adminEmail: string
  const homes: Record<string, string> = {}

  beforeAll(async () => {
    let provider: string
    ;({ t, council, provider } = await riskMarket(engine))
    const db = t.database.db
    adminEmail = (await createUser(db, council, 'admin')).email
    t.clock.set(new Date('2020-07-01T09:00:00Z'))
    // Staff absent of 100, 28 June to 1 July: Climbing up 3 days running, Flat not.
    for (const [name, absences] of [
      ['Climbing Home', [5, 8, 12, 20]],
      ['Flat Home', [5, 5, 5, 5]],
    ] as const) {
      homes[name] = await createLocation(db, provider, council, { name })
      for (const [i, absent] of absences.entries()) {
        const periodStart = `2020-0${i < 3 ? 6 : 7}-${i < 3 ? 28 + i : '01'}`
        await db
          .insertInto('situationReturns')
          .values({
            locationId: homes[name]!,
            frequency: 'daily',
            periodStart,
            version: 1,
            isCurrent: true,
            datasetVersion: 1,
            values: JSON.stringify({ staffEmployed: 100, staffAbsentCovid: absent, staffAbsentOther: 0 }),
            nilReturn: false,
            nothingChanged: false,
            source: 'web',
            timing: 'on-time',
            submittedBy: null,
            submittedAt: new Date(`${periodStart}T08:00:00Z`),
            amendmentReason: null,
          })
          .execute()
      }
    }
  })
  afterAll(async () => t?.close())

  const rule = {
    ruleKey: 'absence-climbing',
    name: 'Staff absence climbing',
    kind: 'rising',
    figure: 'staff_absence_percent',
    direction: 'up',
    periods: '3',
    severity: 'amber',
    message: 'Absence has gone up day after day. Check cover.',
  }

  it('names each wrong parameter in the error summary and beside its field, and saves nothing', async () => {
    const admin = new TestClient(t.app)
    await admin.signIn(adminEmail)
    const before = await t.database.db.selectFrom('riskRuleVersions').select('id').execute()
    const preview = await admin.get(
      `/risk-rules/new/preview?${new URLSearchParams({ ...rule, direction: '', periods: 'three' })}`,
    )
    expect(preview.statusCode).toBe(400)
    const $ = load(preview.body)
    expect($('.govuk-error-summary a[href="#direction"]').text()).toBe(
      'Select whether to flag a rise or a fall',
    )
    expect($('.govuk-error-summary a[href="#periods"]').text()).toBe(
      'The number of periods must be a whole number, like 3',
    )
    expect($('#periods-error').text()).toContain('The number of periods must be a whole number, like 3')
    expect($('input[name="kind"][value="rising"]').attr('checked')).toBeDefined()
    await admin.get('/risk-rules/new')
    const saved = await admin.post('/risk-rules/new', { ...rule, periods: '11' })
    expect(saved.statusCode).toBe(400)
    expect(load(saved.body)('#periods-error').text()).toContain('from 2 to 10')
    expect(await t.database.db.selectFrom('riskRuleVersions').select('id').execute()).toEqual(before)
  })

  it('previews the locations flagged with why, in words; saving flags exactly those; the edit form is filled again', async () => {
    const admin = new TestClient(t.app)
    await admin.signIn(adminEmail)
    const preview = await admin.get(`/risk-rules/new/preview?${new URLSearchParams(rule)}`)
    expect(preview.statusCode).toBe(200)
    const $ = load(preview.body)
    expect($('dl').text()).toContain('staff_absence_percent rising for 3 periods')
    const rows = $('tbody tr')
      .map((_, tr) =>
        $(tr)
          .find('td')
          .map((_, td) => $(td).text().trim())
          .get(),
      )
      .get() as unknown as string[]
    expect(rows).toEqual([
      'Climbing Home',
      expect.any(String),
      'North',
      'Staff absence rose from 5 % to 20 % over 3 days',
    ])
    // Save what the preview's own form posts.
    const posted = Object.fromEntries(
      $('form[method="post"] input[type="hidden"]')
        .map((_, input) => [[$(input).attr('name')!, $(input).attr('value') ?? '']])
        .get() as unknown as [string, string][],
    )
    expect(posted).toMatchObject({ kind: 'rising', figure: 'staff_absence_percent', periods: '3' })
    const saved = await admin.post('/risk-rules/new', posted)
    expect(saved.statusCode).toBe(303)
    const version = await t.database.db
      .selectFrom('riskRuleVersions')
      .selectAll()
      .where('councilId', '=', council)
      .where('ruleKey', '=', 'absence-climbing')
      .executeTakeFirstOrThrow()
    expect(version).toMatchObject({ version: 1, condition: 'staff_absence_percent rising for 3 periods' })
    const alerts = await t.database.db
      .selectFrom('alerts')
      .select(['locationId', 'evidence'])
      .where('alertKey', '=', 'absence-climbing')
      .where('status', '=', 'open')
      .execute()
    expect(alerts).toEqual([
      {
        locationId: homes['Climbing Home'],
        evidence: expect.objectContaining({ reason: 'Staff absence rose from 5 % to 20 % over 3 days' }),
      },
    ])
    const edit = load((await admin.get('/risk-rules/absence-climbing/edit')).body)
    expect(edit('input[name="kind"][value="rising"]').attr('checked')).toBeDefined()
    expect(edit('#periods').val()).toBe('3')
    expect(edit('#figure').val()).toBe('staff_absence_percent')
    expect(edit('input[name="direction"][value="up"]').attr('checked')).toBeDefined()
  })
})
