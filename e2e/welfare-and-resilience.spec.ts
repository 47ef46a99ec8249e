import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { demoPassword, demoUsers } from '../src/db/seed/demo-county.ts'
import { escalateOverdueChecks } from '../src/modules/welfare-checks/index.ts'
import { SignInPage } from './pages/sign-in.page.ts'
import {
  chromiumAvailable,
  expectNoAxeViolations,
  headingText,
  launchBrowser,
  navigateBy,
  warnIfBrowserMissing,
} from './support/browser.ts'
import { type E2eServer, startServer } from './support/server.ts'

warnIfBrowserMissing('welfare-and-resilience.spec.ts')

const officer = demoUsers.find((u) => u.email === 'officer@northmoor.example')!
const trace = (what: string) => {
  if (process.env.WELFARE_E2E_TRACE) process.stderr.write(`${new Date().toISOString()} ${what}\n`)
  return undefined
}
const withoutScript = new WeakSet<Page>()
const phone = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }

// A home-care agency's week: 12 visits missed or cancelled.
const agencyAnswers: Record<string, string> = {
  ppeDaysGloves: '10',
  ppeDaysAprons: '8',
  ppeDaysTypeIirMasks: '6',
  ppeDaysFfp3Masks: '0',
  ppeDaysEyeProtection: '14',
  ppeDaysHandSanitiser: '21',
  ppeCanObtainMore: 'yes',
  peopleSupported: '140',
  confirmedCasesResidents: '0',
  suspectedCasesResidents: '1',
  confirmedCasesStaff: '2',
  suspectedCasesStaff: '1',
  covidDeathsResidents: '0',
  otherDeathsResidents: '0',
  covidDeathsStaff: '0',
  staffEmployed: '60',
  staffAbsentCovid: '9',
  staffAbsentOther: '3',
  agencyStaffUsed: '4',
  hoursDelivered: '1400',
  visitsMissed: '12',
  capacityForNewPackages: 'no',
}

describe.skipIf(!chromiumAvailable)('welfare checks and providers at risk in a real browser', () => {
  let server: E2eServer
  let browser: Browser

  beforeAll(async () => {
    ;[server, browser] = await Promise.all([startServer(), launchBrowser()])
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  const url = (href: string) => new URL(href, server.baseUrl).toString()

  async function signedIn(
    email: string,
    javaScriptEnabled: boolean,
  ): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ javaScriptEnabled, ...phone })
    const page = await context.newPage()
    if (!javaScriptEnabled) withoutScript.add(page)
    const signIn = new SignInPage(page, server.baseUrl)
    await signIn.open()
    expect((await signIn.signIn(email, demoPassword)).status()).toBe(200)
    return { context, page }
  }

  // At phone width nothing is wider than the screen, and axe finds nothing. (Without JavaScript neither
  // can run in the page: the same pages are checked in the run with it.)
  async function check(page: Page, label: string) {
    if (withoutScript.has(page)) return
    await expectNoAxeViolations(page, label)
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
    expect(overflow, `sideways scroll on ${label}`).toBeLessThanOrEqual(0)
  }

  const click = (page: Page, name: string | RegExp, role: 'button' | 'link' = 'button') =>
    trace(`click ${String(name)} on ${page.url()}`) ||
    navigateBy(page, () =>
      page
        .getByRole(role, { name, exact: typeof name === 'string' })
        .first()
        .click(),
    )

  // An agency's return reports 12 cancelled visits; the officer lists the people, assigns two checks,
  // records "no contact" on one and, four hours on, it escalates.
  async function welfareJourney(javaScriptEnabled: boolean) {
    // A home-care agency of the demo county with no cancellations on the list yet.
    const agency = await server.services.db
      .selectFrom('locations')
      .select(['id', 'name'])
      .where('serviceType', '=', 'home_care')
      .where('councilId', 'is not', null)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb.selectFrom('welfareCancellations').select('id').whereRef('locationId', '=', 'locations.id'),
          ),
        ),
      )
      .orderBy('name')
      .executeTakeFirstOrThrow()
    const { context, page } = await signedIn(officer.email, javaScriptEnabled)

    // The agency's return, entered by the officer during a call.
    expect((await page.goto(url(`/locations/${agency.id}/returns/new`)))?.status()).toBe(200)
    for (const [key, answer] of Object.entries(agencyAnswers)) {
      const radio = page.locator(`input[type="radio"][name="${key}"][value="${answer}"]`)
      if (await radio.count()) await radio.check({ force: true })
      else await page.locator(`[id="${key}"]`).fill(answer)
    }
    expect((await click(page, 'Continue')).status()).toBe(200)
    const reason = page.locator('#amendmentReason')
    if (await reason.count()) await reason.fill('The agency rang with this week’s figures')
    expect((await click(page, 'Send return')).status()).toBe(200)

    // The welfare list shows the agency's 12 cancelled visits.
    expect((await page.goto(url('/welfare')))?.status()).toBe(200)
    expect(await headingText(page)).toBe('Welfare checks')
    await check(page, 'welfare list')
    const card = page.locator('.govuk-summary-card', { hasText: agency.name })
    await expect(card.textContent()).resolves.toContain('12 (week of')
    expect((await navigateBy(page, () => card.getByRole('link', { name: /^Open/ }).click())).status()).toBe(
      200,
    )
    expect(await headingText(page)).toBe(`Cancelled visits: ${agency.name}`)
    await check(page, 'cancelled visits')

    // Two people listed: a bad entry first, refused with its field named.
    const refused = await click(page, 'Add person')
    expect(refused.status()).toBe(400)
    await expect(page.locator('.govuk-error-summary__list').textContent()).resolves.toContain(
      'Enter the person’s reference',
    )
    await check(page, 'cancelled visits with errors')
    for (const [reference, initials, need] of [
      ['HC-7001', 'JS', 'Lives alone'],
      ['HC-7002', 'AB', 'No family nearby'],
    ] as const) {
      await page.getByLabel('Reference').fill(reference)
      await page.getByLabel('Initials').fill(initials)
      await page.getByLabel('Area (optional)').fill('Eastfield')
      await page.getByLabel(need).check({ force: true })
      expect((await click(page, 'Add person')).status()).toBe(200)
    }
    // Both checks assigned to the officer.
    const people = page.locator('input[name="personIds"]')
    expect(await people.count()).toBe(2)
    for (const box of await people.all()) await box.check({ force: true })
    await page.getByLabel('Officer who will make the checks').selectOption({ label: officer.displayName })
    expect((await click(page, 'Assign checks')).status()).toBe(200)
    await expect(page.locator('.govuk-notification-banner').textContent()).resolves.toContain(
      '2 checks assigned',
    )
    await check(page, 'cancelled visits, checks assigned')

    // "No contact" on the first: a date is needed, then it is recorded.
    expect((await click(page, /^Open check/, 'link')).status()).toBe(200)
    await check(page, 'welfare check')
    await page.getByLabel('No contact – try again').check({ force: true })
    for (const box of ['Day', 'Month', 'Year']) await page.getByLabel(box).fill('')
    const noDate = await click(page, 'Record outcome')
    expect(noDate.status()).toBe(400)
    await expect(page.locator('.govuk-error-summary__list').textContent()).resolves.toContain(
      'Enter the date of the check',
    )
    await check(page, 'welfare check with errors')
    const today = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/London',
      day: 'numeric',
      month: 'numeric',
      year: 'numeric',
    })
      .format(new Date())
      .split('/')
    for (const [i, box] of ['Day', 'Month', 'Year'].entries()) await page.getByLabel(box).fill(today[i]!)
    expect((await click(page, 'Record outcome')).status()).toBe(200)
    await expect(page.locator('main').textContent()).resolves.toContain('No contact – try again')

    // Four hours on, with no contact made, the welfare job escalates it (run here: the e2e server
    // schedules no jobs).
    const escalated = await escalateOverdueChecks(
      server.services.db,
      new Date(Date.now() + 4 * 3_600_000 + 60_000),
    )
    expect(escalated).toBeGreaterThanOrEqual(1)
    await page.reload()
    await expect(page.locator('main .govuk-tag').first().textContent()).resolves.toContain('Escalated')
    await expect(page.locator('.govuk-warning-text').textContent()).resolves.toContain(
      'No contact was made by',
    )
    await check(page, 'welfare check, escalated')
    await context.close()
  }

  it('welfare checks for an agency’s 12 cancelled visits, one escalated (390 px, axe)', async () => {
    await welfareJourney(true)
  })

  it('welfare checks for an agency’s 12 cancelled visits, one escalated (390 px, without JavaScript)', async () => {
    await welfareJourney(false)
  })

  it('providers at risk, a protection plan on its case, and welfare access (390 px)', async () => {
    const { context, page } = await signedIn(officer.email, true)
    expect((await page.goto(url('/providers-at-risk')))?.status()).toBe(200)
    expect(await headingText(page)).toBe('Providers at risk')
    await check(page, 'providers at risk')
    await expect(page.locator('.carehub-figure').nth(1).textContent()).resolves.toContain(
      'self-funded people',
    )
    // The demo has more locations at risk than one page holds: the most at risk first, 20 a page.
    expect(await page.locator('.govuk-summary-card').count()).toBe(20)
    await expect(page.locator('main').textContent()).resolves.toMatch(
      /Showing 1 to 20 of \d+ locations at risk/,
    )
    expect((await click(page, /^Next/, 'link')).status()).toBe(200)
    expect(new URL(page.url()).searchParams.get('page')).toBe('2')
    await check(page, 'providers at risk, page 2')

    // The demo's open protection plan, from its case page.
    const plan = await server.services.db
      .selectFrom('protectionPlans')
      .select(['id', 'caseId'])
      .where('status', '=', 'open')
      .executeTakeFirstOrThrow()
    expect((await page.goto(url(`/cases/${plan.caseId}`)))?.status()).toBe(200)
    await check(page, 'case page with its protection plan')
    expect((await click(page, /^Protection plan opened/, 'link')).status()).toBe(200)
    expect(await headingText(page)).toBe('Protection plan')
    await check(page, 'protection plan')
    expect((await click(page, 'Close the protection plan', 'link')).status()).toBe(200)
    await check(page, 'close the protection plan')
    await page.getByLabel('Why the plan can close').fill('Every measure met; no alerts for six weeks')
    expect((await click(page, 'Continue')).status()).toBe(200)
    expect(await headingText(page)).toBe('Check the closing review')
    await check(page, 'check the closing review')
    expect((await click(page, 'Close the protection plan')).status()).toBe(200)
    await expect(page.locator('main').textContent()).resolves.toContain('Closing review')
    await context.close()

    // The council administrator's page of who may see welfare checks.
    const admin = await signedIn('admin@northmoor.example', true)
    expect((await admin.page.goto(url('/welfare/access')))?.status()).toBe(200)
    await check(admin.page, 'welfare access')
    await admin.context.close()
  })
})
