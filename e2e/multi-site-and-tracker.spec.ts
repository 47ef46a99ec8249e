import { createHash } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { demoPassword, demoUsers } from '../src/db/seed/demo-county.ts'
import { londonDate } from '../src/domain/dates.ts'
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

warnIfBrowserMissing('multi-site-and-tracker.spec.ts')

const providerManager = demoUsers.find((u) => u.email === 'manager@meadowcare.example')!
const officer = demoUsers.find((u) => u.email === 'officer@northmoor.example')!
const phone = { width: 390, height: 844 }

// Issue 19: a chain's manager sends today's return for five locations on one page (on a phone, without
// JavaScript), and a council officer imports a capacity tracker extract through its preview.
describe.skipIf(!chromiumAvailable)('today’s returns on one page, and tracker extracts', () => {
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
    options: { javaScriptEnabled: boolean; viewport: { width: number; height: number }; isMobile?: boolean },
  ): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext(options)
    const page = await context.newPage()
    const signIn = new SignInPage(page, server.baseUrl)
    expect((await signIn.open())?.status()).toBe(200)
    expect((await signIn.signIn(email, demoPassword)).status()).toBe(200)
    return { context, page }
  }

  // Axe and the width check need scripts, which the phone's pages run without: the page as the browser
  // got it is checked in a twin page at the same address and width, with scripts on. On a phone the page
  // never scrolls sideways.
  async function checkOnPhone(page: Page, label: string) {
    const html = await page.content()
    const twin = await browser.newContext({ viewport: phone, isMobile: true })
    try {
      const copy = await twin.newPage()
      await copy.route('**/*', (route) =>
        route.request().isNavigationRequest()
          ? route.fulfill({ contentType: 'text/html; charset=utf-8', body: html })
          : route.continue(),
      )
      await copy.goto(page.url())
      await copy.waitForLoadState('load')
      await expectNoAxeViolations(copy, label)
      await expectFitsPhoneWidth(copy, label)
    } finally {
      await twin.close()
    }
  }

  it('a chain’s manager sends five locations’ returns on one page, fixing the one bad row first', async () => {
    const { context, page } = await signedIn(providerManager.email, {
      javaScriptEnabled: false,
      viewport: phone,
      isMobile: true,
    })
    try {
      expect(await page.locator('body.js-enabled').count()).toBe(0)
      await checkOnPhone(page, 'home')
      const opened = await navigateBy(page, () =>
        page
          .getByRole('link', { name: 'Fill in today’s returns for all your locations on one page' })
          .click(),
      )
      expect(opened.status()).toBe(200)
      expect(await headingText(page)).toBe('Today’s returns for all your locations')
      await checkOnPhone(page, 'all locations')

      const open = page.locator('tr[data-state="to-report"]')
      expect(await open.count(), 'Meadow Care has five locations to report for').toBeGreaterThanOrEqual(5)
      const rows: string[] = []
      for (const tr of (await open.all()).slice(0, 5)) rows.push((await tr.getAttribute('data-location'))!)
      // Each row's figures: people and beds as last reported, no new cases, deaths or absence today.
      for (const id of rows) {
        const row = page.locator(`tr[data-location="${id}"]`)
        const boxes: { name: string; hint: string }[] = []
        for (const input of await row.locator('input.govuk-input').all()) {
          const name = (await input.getAttribute('name'))!
          const hint = row.locator(`[id="${name}-hint"]`)
          boxes.push({ name, hint: (await hint.count()) ? ((await hint.textContent()) ?? '') : '' })
        }
        for (const { name, hint } of boxes) {
          const last = /Last: (\d+)/.exec(hint)
          const carried = /-(residents|peopleSupported|bedsOccupied)$/.test(name) && last
          await page.locator(`[name="${name}"]`).fill(carried ? last[1]! : '0')
        }
        for (const select of await row.locator('select').all()) await select.selectOption('no')
      }
      // One bad row: a word where a number goes.
      const bad = page.locator(`tr[data-location="${rows[2]}"] input.govuk-input`).first()
      const badName = (await bad.getAttribute('name'))!
      const goodValue = await bad.inputValue()
      await bad.fill('lots')
      const refused = await navigateBy(page, () =>
        page.getByRole('button', { name: 'Send the returns' }).click(),
      )
      expect(refused.status()).toBe(400)
      await checkOnPhone(page, 'all locations, one bad row')
      const summary = page.locator('.govuk-error-summary__list a')
      expect(await summary.count()).toBe(1)
      expect(await summary.getAttribute('href')).toBe(`#${badName}`)
      expect(await summary.textContent()).toMatch(/must be a whole number/)
      const badRow = page.locator(`tr[data-location="${rows[2]}"]`)
      expect(await badRow.locator('.govuk-error-message').textContent()).toMatch(/must be a whole number/)
      // Nothing was saved, and every row keeps what was typed.
      const savedToday = () =>
        server.services.db
          .selectFrom('situationReturns')
          .select(['locationId', 'source'])
          .where('locationId', 'in', rows)
          .where('submittedAt', '>=', new Date(Date.now() - 10 * 60_000))
          .execute()
      expect(await savedToday()).toEqual([])
      expect(await page.locator(`#${badName}`).inputValue()).toBe('lots')

      // The summary's link leads to the box; the manager fixes it and sends again.
      await summary.click()
      await page.locator(`#${badName}`).fill(goodValue)
      const sent = await navigateBy(page, () =>
        page.getByRole('button', { name: 'Send the returns' }).click(),
      )
      expect(sent.status()).toBe(200)
      expect(await page.locator('.govuk-notification-banner').textContent()).toContain('5 returns sent')
      await checkOnPhone(page, 'all locations, sent')
      for (const id of rows)
        expect(await page.locator(`tr[data-location="${id}"]`).getAttribute('data-state')).toBe('sent')
      const saved = await savedToday()
      expect(saved.map((r) => r.locationId).sort()).toEqual([...rows].sort())
      expect(saved.every((r) => r.source === 'web')).toBe(true)

      // A sixth location has nothing to report today: said in one action, still on the phone.
      const sixth = (
        await page
          .locator('tr[data-location]')
          .evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-location')))
      ).find((id) => id && !rows.includes(id))
      expect(sixth, 'Meadow Care has a sixth location').toBeTruthy()
      await navigateBy(page, () => page.goto(url(`/locations/${sixth}/returns/new`)))
      await navigateBy(page, () => page.locator('#nothing-to-report').click())
      await checkOnPhone(page, 'nothing to report')
      await page.getByLabel('Temporarily closed').check()
      await page.locator('#nilDetails').fill('Closed while the lift is replaced')
      if (await page.locator('#amendmentReason').count())
        await page.locator('#amendmentReason').fill('The home closed this morning')
      await navigateBy(page, () => page.getByRole('button', { name: 'Send: nothing to report' }).click())
      expect(await page.locator('.govuk-panel__title').textContent()).toContain('Return sent')
      await checkOnPhone(page, 'nothing to report, sent')
      const nil = await server.services.db
        .selectFrom('situationReturns')
        .select(['nilReturn', 'nilReason'])
        .where('locationId', '=', sixth!)
        .where('isCurrent', '=', true)
        .orderBy('submittedAt', 'desc')
        .executeTakeFirstOrThrow()
      expect(nil).toEqual({ nilReturn: true, nilReason: 'temporarily-closed' })
    } finally {
      await context.close()
    }
  })

  it('an officer uploads a capacity tracker extract, previews it and confirms it', async () => {
    const db = server.services.db
    // Two of the council's care homes, not Meadow Care's, with no return yet today, and a stranger.
    const homes = await db
      .selectFrom('locations')
      .innerJoin('providers', 'providers.id', 'locations.providerId')
      .select(['locations.id', 'locations.name', 'locations.cqcLocationId'])
      .where('locations.serviceType', '=', 'care_home_residential')
      .where('locations.status', '=', 'open')
      .where('providers.name', '!=', 'Meadow Care Group Ltd')
      .where('locations.cqcLocationId', 'is not', null)
      .orderBy('locations.name')
      .limit(2)
      .execute()
    expect(homes).toHaveLength(2)
    const [day, month, year] = londonDate(new Date()).split('-').reverse()
    const csv = [
      'cqcid,location,lastupdatedbst,maxcapacity,usedbeds,isacceptingadmissions,careworkersemployed,nursesemployed,noncareworkersemployed',
      `${homes[0]!.cqcLocationId},${homes[0]!.name},${day}/${month}/${year} 08:30,30,27,Yes,20,4,5`,
      `${homes[1]!.cqcLocationId},${homes[1]!.name},${day}/${month}/${year} 09:00,24,24,No,18,3,4`,
      `1-000000042,Not a Northmoor home,${day}/${month}/${year} 09:00,10,9,Yes,8,1,1`,
    ].join('\n')
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'carehub-tracker-'))
    const file = path.join(dir, 'tracker-care-homes.csv')
    fs.writeFileSync(file, csv)

    // On a phone too: the officer's pages never scroll sideways either.
    const { context, page } = await signedIn(officer.email, {
      javaScriptEnabled: true,
      viewport: phone,
      isMobile: true,
    })
    const fits = async (label: string) => {
      await expectNoAxeViolations(page, label)
      const width = await page.evaluate(() => document.documentElement.scrollWidth)
      expect(width, `${label} fits 390 px`).toBeLessThanOrEqual(phone.width)
    }
    try {
      await page.goto(url('/returns/completeness'))
      await navigateBy(page, () => page.getByRole('link', { name: 'Capacity tracker imports' }).click())
      expect(await headingText(page)).toBe('Capacity tracker imports')
      await fits('tracker imports')
      await navigateBy(page, () =>
        page.getByRole('button', { name: 'Upload a capacity tracker extract' }).click(),
      )
      expect(await headingText(page)).toBe('Upload a capacity tracker extract')
      await fits('tracker upload')
      await page.setInputFiles('#file', file)
      const preview = await navigateBy(page, () =>
        page.getByRole('button', { name: 'Check the file' }).click(),
      )
      expect(preview.status()).toBe(200)
      expect(new URL(page.url()).pathname).toMatch(/^\/returns\/capacity-tracker\/[0-9a-f-]{36}$/)
      await fits('tracker preview')
      expect((await page.locator('#count-matched').textContent())?.trim()).toBe('2')
      expect((await page.locator('#count-unmatched').textContent())?.trim()).toBe('1')
      expect(await page.locator('tr[data-outcome="unmatched"] td').first().textContent()).toBe('4')
      const before = await db
        .selectFrom('situationReturns')
        .select('id')
        .where(
          'locationId',
          'in',
          homes.map((h) => h.id),
        )
        .where('source', '=', 'import')
        .execute()
      expect(before).toEqual([])

      await navigateBy(page, () => page.getByRole('button', { name: 'Save the matched rows' }).click())
      expect(await page.locator('.govuk-notification-banner').textContent()).toContain('2 returns filled in')
      await fits('tracker import saved')
      const imported = await db
        .selectFrom('situationReturns')
        .select(['locationId', 'values'])
        .where(
          'locationId',
          'in',
          homes.map((h) => h.id),
        )
        .where('source', '=', 'import')
        .execute()
      expect(imported.map((r) => r.locationId).sort()).toEqual(homes.map((h) => h.id).sort())

      await page.goto(url('/returns/capacity-tracker'))
      await fits('tracker imports, one saved')
      const hash = createHash('sha256').update(csv).digest('hex')
      expect(await page.locator('#main-content tbody').textContent()).toContain(hash)
    } finally {
      await context.close()
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
