import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { demoPassword, demoUsers } from '../src/db/seed/demo-county.ts'
import { SignInPage } from './pages/sign-in.page.ts'
import {
  chromiumAvailable,
  expectFitsPhoneWidth,
  expectNoAxeViolations,
  headingText,
  launchBrowser,
  navigateBy,
  warnIfBrowserMissing,
} from './support/browser.ts'
import { type E2eServer, startServer } from './support/server.ts'

warnIfBrowserMissing('long-pages.spec.ts')

// Issue 18, acceptance 6: long pages show what matters first. "Who has reported" is 50 locations a
// page, the missing first, with a filter; enquiry trends shows the latest week without sideways
// scrolling on a desktop screen.
const officer = demoUsers.find((u) => u.email === 'officer@northmoor.example')!
const desktop = { width: 1280, height: 900 }

describe.skipIf(!chromiumAvailable)('long pages, what matters first', () => {
  let server: E2eServer
  let browser: Browser

  beforeAll(async () => {
    ;[server, browser] = await Promise.all([startServer(), launchBrowser()])
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  async function signedInOfficer() {
    const context = await browser.newContext({ viewport: desktop })
    const page = await context.newPage()
    const signIn = new SignInPage(page, server.baseUrl)
    await signIn.open()
    expect((await signIn.signIn(officer.email, demoPassword)).status()).toBe(200)
    return { context, page }
  }

  const listRows = (page: Page) => page.locator('#locations-list tbody tr')
  const statusesOf = (page: Page) =>
    listRows(page).evaluateAll((trs) =>
      trs.map((tr) => (tr.querySelector('td:nth-child(2)')?.textContent ?? '').trim()),
    )
  // "Showing 1 to 50 of 143 locations" → 143
  const shownTotal = async (page: Page) => {
    const text = (await page.locator('#main-content').textContent()) ?? ''
    return Number(/of ([\d,]+) locations/.exec(text)?.[1]?.replace(/,/g, '') ?? 'NaN')
  }
  const countIn = (option: string) =>
    Number(/\(([\d,]+)\)$/.exec(option.trim())?.[1]?.replace(/,/g, '') ?? 'NaN')

  it('who has reported: 50 a page, the missing first, filtered by status and area', async () => {
    const { context, page } = await signedInOfficer()
    try {
      expect((await page.goto(new URL('/returns/completeness', server.baseUrl).toString()))?.status()).toBe(
        200,
      )
      expect(await headingText(page)).toBe('Who has reported')
      await expectNoAxeViolations(page, 'who has reported', expect)
      await expectFitsPhoneWidth(page, 'who has reported', expect)

      // Every expected location is in the list; a page holds at most 50, the missing ones first.
      const options = await page.locator('#status option').allTextContents()
      const [expected, missing] = [countIn(options[0]!), countIn(options[1]!)]
      expect(missing).toBeGreaterThan(0)
      expect(await shownTotal(page)).toBe(expected)
      expect(expected, 'the demo county has more than a page of locations to report').toBeGreaterThan(50)
      const first = await statusesOf(page)
      expect(first).toHaveLength(50)
      expect(first.slice(0, Math.min(50, missing)).every((s) => s === 'Missing')).toBe(true)
      if (missing < 50) expect(first.slice(missing)).not.toContain('Missing')

      const next = await navigateBy(page, () => page.locator('.govuk-pagination__next a').click())
      expect(next.status()).toBe(200)
      expect(new URL(page.url()).searchParams.get('page')).toBe('2')
      const second = await statusesOf(page)
      expect(second.length).toBeGreaterThan(0)
      expect(second.length).toBeLessThanOrEqual(50)
      if (missing <= 50) expect(second).not.toContain('Missing')

      // The filter is a plain form. First one area: the counts beside each status become the area's.
      const area = (await page.locator('#area option').nth(1).getAttribute('value'))!
      await page.locator('#area').selectOption(area)
      const inArea = await navigateBy(page, () => page.getByRole('button', { name: 'Filter' }).click())
      expect(inArea.status()).toBe(200)
      const areaOptions = await page.locator('#status option').allTextContents()
      expect(await shownTotal(page)).toBe(countIn(areaOptions[0]!))
      // Then a status with some locations in that area: sent returns if any, else the missing.
      const statusValues = ['missing', 'late', 'on-time']
      const withSome = [2, 3, 1].find((i) => countIn(areaOptions[i]!) > 0)!
      const status = statusValues[withSome - 1]!
      await page.locator('#status').selectOption(status)
      const filtered = await navigateBy(page, () => page.getByRole('button', { name: 'Filter' }).click())
      expect(filtered.status()).toBe(200)
      const query = new URL(page.url()).searchParams
      expect([query.get('status'), query.get('area'), query.get('page')]).toEqual([status, area, null])
      const shown = await statusesOf(page)
      expect(shown.length).toBe(Math.min(50, countIn(areaOptions[withSome]!)))
      expect(new Set(shown)).toEqual(new Set([areaOptions[withSome]!.replace(/ \(.*$/, '')]))
      expect(await shownTotal(page)).toBe(countIn(areaOptions[withSome]!))
      const places = await listRows(page).evaluateAll((trs) =>
        trs.map((tr) => (tr.querySelector('td:first-child .govuk-body-s')?.textContent ?? '').trim()),
      )
      for (const place of places) expect(place.endsWith(`, ${area}`), place).toBe(true)
      await expectNoAxeViolations(page, 'who has reported, filtered', expect)
    } finally {
      await context.close()
    }
  })

  it('enquiry trends: the latest week first, with no sideways scrolling on a desktop', async () => {
    const { context, page } = await signedInOfficer()
    try {
      expect((await page.goto(new URL('/enquiries/trends', server.baseUrl).toString()))?.status()).toBe(200)
      expect(await headingText(page)).toBe('Enquiry trends')
      await expect(page.evaluate(() => document.documentElement.scrollWidth)).resolves.toBeLessThanOrEqual(
        desktop.width,
      )
      const table = page.locator('#trend-weeks')
      const box = (await table.boundingBox())!
      expect(box.x + box.width, 'the table ends inside the window').toBeLessThanOrEqual(desktop.width)
      // No scrolling region inside the page either: every column is on screen.
      await expect(
        table.evaluate((t) => {
          for (let el: Element | null = t; el; el = el.parentElement)
            if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== 'visible')
              return false
          return true
        }),
      ).resolves.toBe(true)

      const weeks = await table
        .locator('tbody tr th')
        .evaluateAll((ths) => ths.map((th) => (th.textContent ?? '').trim()))
      expect(weeks).toHaveLength(13)
      expect(weeks.at(-1)).toBe('All 12 weeks')
      const days = weeks.slice(0, -1).map((w) => Date.parse(`${w} 12:00 UTC`))
      expect(
        days.every((d) => !Number.isNaN(d)),
        weeks.join(', '),
      ).toBe(true)
      expect(days, 'the latest week first').toEqual([...days].sort((a, b) => b - a))
      // The latest week is this week: at most 6 days ago.
      expect(Date.now() - days[0]!).toBeLessThan(7 * 86_400_000)
      await expectNoAxeViolations(page, 'enquiry trends', expect)
      await expectFitsPhoneWidth(page, 'enquiry trends', expect)
    } finally {
      await context.close()
    }
  })
})
