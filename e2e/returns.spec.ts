import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { demoPassword, demoUsers } from '../src/db/seed/demo-county.ts'
import {
  errorSummaryLinks,
  fillReturn,
  historyRows,
  isCareHome,
  nothingChangedLink,
  notSent,
  questionOf,
  type ReturnRow,
  reportLink,
  returnFieldNames,
  sectionHeadings,
  statusOf,
  summaryAnswers,
  textOf,
  yourReturns,
} from './pages/returns.page.ts'
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

warnIfBrowserMissing('returns.spec.ts')

const byEmail = (email: string) => demoUsers.find((u) => u.email === email)!
const providerManager = byEmail('manager@meadowcare.example')
const officer = byEmail('officer@northmoor.example')

const screenshotDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'screenshots')
const phone = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }
const desktop = { viewport: { width: 1280, height: 900 } }
const returnPath = /^\/returns\/[0-9a-f-]{36}$/

// A full care home return, written out here rather than derived from the dataset in src/, so that a
// field added to or dropped from the form fails this test. `shown` is how check-your-answers reads it.
const careHomeReturn: Record<string, { answer: string | string[]; shown: string }> = {
  ppeDaysGloves: { answer: '10', shown: '10 days' },
  ppeDaysAprons: { answer: '12', shown: '12 days' },
  ppeDaysTypeIirMasks: { answer: '14', shown: '14 days' },
  ppeDaysFfp3Masks: { answer: '0', shown: '0 days' },
  ppeDaysEyeProtection: { answer: '20', shown: '20 days' },
  ppeDaysHandSanitiser: { answer: '30', shown: '30 days' },
  ppeCanObtainMore: { answer: 'yes', shown: 'Yes' },
  residents: { answer: '24', shown: '24' },
  confirmedCasesResidents: { answer: '0', shown: '0' },
  suspectedCasesResidents: { answer: '1', shown: '1' },
  confirmedCasesStaff: { answer: '0', shown: '0' },
  suspectedCasesStaff: { answer: '0', shown: '0' },
  covidDeathsResidents: { answer: '0', shown: '0' },
  otherDeathsResidents: { answer: '0', shown: '0' },
  covidDeathsStaff: { answer: '0', shown: '0' },
  staffEmployed: { answer: '31', shown: '31' },
  staffAbsentCovid: { answer: '2', shown: '2' },
  staffAbsentOther: { answer: '1', shown: '1' },
  agencyStaffUsed: { answer: '3', shown: '3' },
  bedsAvailable: { answer: '28', shown: '28' },
  bedsOccupied: { answer: '24', shown: '24' },
  closedToAdmissions: { answer: 'no', shown: 'No' },
  canAcceptDischarges: { answer: 'yes', shown: 'Yes' },
  residentsTested: { answer: '10', shown: '10' },
  staffTested: { answer: '10', shown: '10' },
  helpRequested: { answer: ['staffing'], shown: 'Staffing' },
  concerns: {
    answer: 'Two night staff are off sick; agency cover is booked.',
    shown: 'Two night staff are off sick; agency cover is booked.',
  },
}
const careHomeSections = [
  'PPE',
  'People you support',
  'COVID-19 cases and deaths',
  'Staffing',
  'Beds and admissions',
  'Testing',
  'Help and concerns',
]
const answers = (overrides: Record<string, string> = {}) => ({
  ...Object.fromEntries(Object.entries(careHomeReturn).map(([k, v]) => [k, v.answer])),
  ...overrides,
})

describe.skipIf(!chromiumAvailable)('situation returns in a real browser', () => {
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
  const pathname = (page: Page) => new URL(page.url()).pathname

  async function signedIn(
    email: string,
    options: Parameters<Browser['newContext']>[0] = desktop,
  ): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext(options)
    const page = await context.newPage()
    const signIn = new SignInPage(page, server.baseUrl)
    await signIn.open()
    const home = await signIn.signIn(email, demoPassword)
    expect(home.status(), `sign-in as ${email}`).toBe(200)
    expect(pathname(page)).toBe('/')
    return { context, page }
  }

  // Opens a location's history the way a person does: the location page, then its returns link.
  async function openHistory(page: Page, locationId: string) {
    await page.goto(url(`/locations/${locationId}`))
    const history = await navigateBy(page, () =>
      page.getByRole('link', { name: 'Situation returns from this location', exact: true }).click(),
    )
    expect(history.status()).toBe(200)
    expect(pathname(page)).toBe(`/locations/${locationId}/returns`)
    expect(await headingText(page)).toBe('Returns')
    return historyRows(page)
  }

  async function expectReturnSent(page: Page, row: ReturnRow) {
    expect(pathname(page)).toMatch(returnPath)
    expect(new URL(page.url()).searchParams.get('submitted')).toBe('1')
    await expect(textOf(page.locator('.govuk-panel__title'))).resolves.toBe('Return sent')
    await expect(textOf(page.locator('.govuk-panel__body'))).resolves.toContain(`${row.name}, ${row.period}`)
  }

  it('phone: a provider manager sends a full return, then repeats another location’s in under six clicks', async () => {
    fs.mkdirSync(screenshotDir, { recursive: true })
    const { context, page } = await signedIn(providerManager.email, phone)
    try {
      await expectNoAxeViolations(page, 'provider home at phone width')
      const rows = await yourReturns(page)
      expect(rows.length, 'Meadow Care Group has locations on the home page').toBeGreaterThan(1)
      const first = rows.find(
        (r) => isCareHome(r) && (r.status === 'Due' || r.status === 'Overdue') && r.canReport,
      )
      expect(first, `a care home that is Due or Overdue, in ${JSON.stringify(rows)}`).toBeDefined()
      if (!first) return

      // The full return.
      const form = await navigateBy(page, () => reportLink(page, first.id).click())
      expect(form.status()).toBe(200)
      expect(pathname(page)).toBe(`/locations/${first.id}/returns/new`)
      expect(await headingText(page)).toBe(`Your daily return for ${first.period}`)
      expect(await sectionHeadings(page)).toEqual(careHomeSections)
      expect(await returnFieldNames(page), 'every field of a care home return').toEqual(
        Object.keys(careHomeReturn),
      )
      await expectNoAxeViolations(page, 'return form at phone width')
      const questions = new Map<string, string>()
      for (const key of Object.keys(careHomeReturn)) questions.set(key, await questionOf(page, key))
      await fillReturn(page, answers())
      await page.screenshot({ path: path.join(screenshotDir, 'return-form-phone.png'), fullPage: true })

      const check = await navigateBy(page, () => page.getByRole('button', { name: 'Continue' }).click())
      expect(check.status()).toBe(200)
      expect(await headingText(page)).toBe('Check your answers before sending your return')
      const shown = await summaryAnswers(page)
      for (const [key, { shown: expected }] of Object.entries(careHomeReturn)) {
        expect.soft(shown.get(questions.get(key)!), `${key} (${questions.get(key)})`).toBe(expected)
      }
      expect(shown.size).toBe(Object.keys(careHomeReturn).length)
      await expectNoAxeViolations(page, 'check your answers at phone width')
      await page.screenshot({
        path: path.join(screenshotDir, 'return-check-answers-phone.png'),
        fullPage: true,
      })
      // Every answer has its "Change", back to that box with the answers kept (issue 18, item 3).
      const actions = page.locator('.govuk-summary-list__row .govuk-summary-list__actions')
      expect(await actions.count()).toBe(shown.size)
      const gloves = `Change ${questions.get('ppeDaysGloves')}`
      await navigateBy(page, () => page.getByRole('button', { name: gloves, exact: true }).click())
      expect(new URL(page.url()).hash).toBe('#ppeDaysGloves')
      await expect(page.locator('#ppeDaysGloves').inputValue()).resolves.toBe('10')
      await navigateBy(page, () => page.getByRole('button', { name: 'Continue' }).click())
      expect(await headingText(page)).toBe('Check your answers before sending your return')

      const sent = await navigateBy(page, () => page.getByRole('button', { name: 'Send return' }).click())
      expect(sent.status()).toBe(200)
      await expectReturnSent(page, first)
      const saved = await summaryAnswers(page)
      expect(saved.get('How')).toBe('web')
      expect(saved.get('Version')).toBe('1 (current)')
      expect(saved.get(questions.get('concerns')!)).toBe(careHomeReturn.concerns!.shown)
      // It leads to the manager's other returns still to send.
      const stillDue = rows.filter((r) => r.id !== first.id && (r.status === 'Due' || r.status === 'Overdue'))
      const dueLinks = await page
        .locator('#still-due a')
        .evaluateAll((links) => links.map((a) => (a as HTMLAnchorElement).pathname))
      expect(dueLinks.sort()).toEqual(stillDue.map((r) => `/locations/${r.id}/returns/new`).sort())
      await expectNoAxeViolations(page, 'return sent at phone width')

      // The next return, through "Nothing changed", for a second location with an earlier return.
      await page.goto(url('/'))
      expect(await statusOf(page, first.id)).toMatch(/^Sent( late)?$/)
      const afterFirst = await yourReturns(page)
      const candidates = afterFirst.filter((r) => r.id !== first.id && r.canRepeat && notSent(r))
      const second = candidates.find((r) => r.status === 'Due' || r.status === 'Overdue') ?? candidates[0]
      expect(second, `a second location to repeat, in ${JSON.stringify(afterFirst)}`).toBeDefined()
      if (!second) return

      const clicks: string[] = []
      const tap = (what: string, target: Locator) => {
        clicks.push(what)
        return navigateBy(page, () => target.tap())
      }
      const repeat = await tap('Nothing changed', nothingChangedLink(page, second.id))
      expect(repeat.status()).toBe(200)
      expect(pathname(page)).toBe(`/locations/${second.id}/returns/nothing-changed`)
      expect(await headingText(page)).toMatch(/^Has anything changed since \d{1,2} \w+ \d{4}\?$/)
      const repeated = await summaryAnswers(page)
      expect(repeated.size, 'the figures about to be repeated are shown').toBeGreaterThan(5)
      await expectNoAxeViolations(page, 'nothing changed at phone width')
      const sentAgain = await tap(
        'Nothing has changed: send these figures',
        page.getByRole('button', { name: 'Nothing has changed: send these figures' }),
      )
      expect(sentAgain.status()).toBe(200)
      await expectReturnSent(page, second)
      expect(clicks.length, `clicks from the home page: ${clicks.join(' → ')}`).toBeLessThan(6)
      const resent = await summaryAnswers(page)
      expect(resent.get('How')).toBe('web, nothing changed')
      for (const [question, answer] of repeated) {
        expect.soft(resent.get(question), `${question} repeated unchanged`).toBe(answer)
      }
      await expectNoAxeViolations(page, 'nothing changed, return sent at phone width')

      // Both new returns are in the locations' histories.
      const firstHistory = await openHistory(page, first.id)
      expect(firstHistory[0], `newest return of ${first.name}`).toMatchObject({
        period: first.period,
        version: '1',
        how: 'web',
      })
      expect(firstHistory[0]!.sent).toContain(providerManager.displayName)
      await expectNoAxeViolations(page, 'history of the first location at phone width')

      const secondHistory = await openHistory(page, second.id)
      expect(secondHistory[0], `newest return of ${second.name}`).toMatchObject({
        period: second.period,
        version: '1',
        how: 'web, nothing changed',
      })
      expect(secondHistory[0]!.sent).toContain(providerManager.displayName)
      expect(secondHistory.length, 'the demo history is there too').toBeGreaterThan(1)
      expect(secondHistory[1]!.period).not.toBe(second.period)
    } finally {
      await context.close()
    }
  })

  it('errors: a negative number, a non-number and a blank are listed, linked and announced', async () => {
    const { context, page } = await signedIn(providerManager.email)
    try {
      const careHomes = (await yourReturns(page)).filter(isCareHome)
      // Another location than the acceptance test's, preferably one still open for its first return.
      const target = careHomes.filter((r) => r.canReport).at(-1) ?? careHomes.at(-1)
      expect(target, 'a care home of Meadow Care Group').toBeDefined()
      if (!target) return
      await page.goto(url(`/locations/${target.id}/returns/new`))
      await fillReturn(page, answers({ ppeDaysGloves: '-1', staffEmployed: 'lots', residents: '' }))

      const invalid = await navigateBy(page, () => page.getByRole('button', { name: 'Continue' }).click())
      expect(invalid.status()).toBe(400)
      expect(await page.title()).toMatch(/^Error: /)
      const summary = page.locator('.govuk-error-summary')
      await expect(summary.count()).resolves.toBe(1)
      await expect(
        summary.evaluate((el) => el === document.activeElement || el.contains(document.activeElement)),
        'the error summary has focus',
      ).resolves.toBe(true)
      expect(await errorSummaryLinks(page)).toEqual(['#ppeDaysGloves', '#residents', '#staffEmployed'])
      await expect(textOf(summary)).resolves.toMatch(/must be 0 or more/)
      await expect(textOf(summary)).resolves.toMatch(/must be a whole number/)
      // What was typed stays, so it can be corrected.
      await expect(page.locator('#staffEmployed').inputValue()).resolves.toBe('lots')
      await expect(page.locator('#ppeDaysGloves').inputValue()).resolves.toBe('-1')
      await expect(page.locator('#ppeDaysAprons').inputValue()).resolves.toBe('12')
      expect(await page.locator('.govuk-error-message').count()).toBe(3)

      const links = summary.locator('.govuk-error-summary__list a')
      for (const [i, href] of (await errorSummaryLinks(page)).entries()) {
        await links.nth(i).click()
        await expect(
          page.evaluate(() => document.activeElement?.id),
          `${href} moves focus`,
        ).resolves.toBe(href.slice(1))
      }
      await expectNoAxeViolations(page, 'return form with errors')
    } finally {
      await context.close()
    }
  })

  it('officer: who has reported, a chase recorded, and a location’s history', async () => {
    const { context, page } = await signedIn(officer.email)
    try {
      const nav = page
        .locator('.govuk-service-navigation')
        .getByRole('link', { name: 'Returns', exact: true })
      const opened = await navigateBy(page, () => nav.click())
      expect(opened.status()).toBe(200)
      expect(pathname(page)).toBe('/returns/completeness')
      expect(await headingText(page)).toBe('Who has reported')
      await expect(page.locator('#frequency').inputValue()).resolves.toBe('daily')
      await expectNoAxeViolations(page, 'who has reported')

      const number = (s: string) => Number(s.replace(/,/g, ''))
      const byArea = page.locator('#main-content table', {
        has: page.locator('caption', { hasText: 'By area' }),
      })
      const areaRows = await byArea.locator('tbody tr').evaluateAll((trs) =>
        trs.map((tr) => ({
          name: (tr.querySelector('th')?.textContent ?? '').trim(),
          cells: Array.from(tr.querySelectorAll('td')).map((td) => (td.textContent ?? '').trim()),
        })),
      )
      expect(areaRows.at(-1)?.name, 'the last row of the daily table').toBe('All')
      const all = areaRows.at(-1)!.cells.map(number)
      const areas = areaRows.slice(0, -1)
      expect(areas.length).toBeGreaterThan(0)
      // Expected, on time, late and missing add up over the areas.
      for (const column of [0, 1, 2, 3]) {
        expect(
          areas.reduce((sum, a) => sum + number(a.cells[column]!), 0),
          `column ${column + 1}`,
        ).toBe(all[column])
      }
      const byType = page.locator('#main-content table', {
        has: page.locator('caption', { hasText: 'By service type' }),
      })
      expect(await byType.locator('tbody tr').count()).toBeGreaterThan(0)
      // The list: at most 50 a page, the missing first, and the filter's count of them is the tally's.
      await expect(page.locator('#status option[value="missing"]').textContent()).resolves.toBe(
        `Missing (${all[3]})`,
      )
      const listRows = page.locator('#locations-list tbody tr')
      expect(await listRows.count()).toBeLessThanOrEqual(50)
      const statuses = await listRows.evaluateAll((trs) =>
        trs.map((tr) => (tr.querySelector('td:nth-child(2)')?.textContent ?? '').trim()),
      )
      const firstNotMissing = statuses.findIndex((s) => s !== 'Missing')
      if (firstNotMissing !== -1) expect(statuses.slice(firstNotMissing)).not.toContain('Missing')

      const missingRow = listRows.first()
      expect(await missingRow.count(), 'at least one missing return').toBe(1)
      const locationLink = missingRow.locator('td a.govuk-link').first()
      const locationName = await textOf(locationLink)
      const locationHref = (await locationLink.getAttribute('href'))!
      const note = `Rang at ${new Date().toISOString().slice(11, 16)}, manager will send by 2pm`
      await missingRow.locator('input[name="note"]').fill(note)
      const chased = await navigateBy(page, () =>
        missingRow.getByRole('button', { name: `Record chase for ${locationName}` }).click(),
      )
      expect(chased.status()).toBe(200)
      expect(pathname(page)).toBe('/returns/completeness')
      expect(new URL(page.url()).searchParams.get('chased')).toBe('1')
      await expect(textOf(page.locator('.govuk-notification-banner--success'))).resolves.toContain(
        'Chase recorded',
      )
      const chasedRow = page.locator('#main-content tbody tr', {
        has: page.locator(`a[href="${locationHref}"]`),
      })
      await expect(textOf(chasedRow)).resolves.toContain(`${officer.displayName}: ${note}`)
      await expectNoAxeViolations(page, 'who has reported, chase recorded')

      const location = await navigateBy(page, () => chasedRow.locator(`a[href="${locationHref}"]`).click())
      expect(location.status()).toBe(200)
      expect(await headingText(page)).toBe(locationName)
      const history = await navigateBy(page, () =>
        page.getByRole('link', { name: 'Situation returns from this location', exact: true }).click(),
      )
      expect(history.status()).toBe(200)
      expect(pathname(page)).toBe(`${locationHref}/returns`)
      expect(await headingText(page)).toBe('Returns')
      await expectNoAxeViolations(page, 'a location’s returns, as an officer')
    } finally {
      await context.close()
    }
  })
})
