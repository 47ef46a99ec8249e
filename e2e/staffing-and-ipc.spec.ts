import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { demoPassword, demoUsers } from '../src/db/seed/demo-county.ts'
import { tomorrowInLondon } from './pages/casework.page.ts'
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

warnIfBrowserMissing('staffing-and-ipc.spec.ts')

const officer = demoUsers.find((u) => u.email === 'officer@northmoor.example')!
const nurse = demoUsers.find((u) => u.email === 'nurse@ipc.northmoor.example')!
const locationLinks = '#main-content table.govuk-table tbody a.govuk-link'
const phone = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }
const desktop = { viewport: { width: 1280, height: 900 } }

describe.skipIf(!chromiumAvailable)(
  'emergency staffing and infection-control visits in a real browser',
  () => {
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
      options: {
        javaScriptEnabled?: boolean
        viewport: { width: number; height: number }
        isMobile?: boolean
      },
    ): Promise<{ context: BrowserContext; page: Page }> {
      const context = await browser.newContext(options)
      const page = await context.newPage()
      const signIn = new SignInPage(page, server.baseUrl)
      await signIn.open()
      expect((await signIn.signIn(email, demoPassword)).status(), `sign-in as ${email}`).toBe(200)
      return { context, page }
    }

    // Axe, and nothing wider than the screen (no sideways scrolling at phone width).
    async function checkPage(page: Page, label: string) {
      await expectNoAxeViolations(page, label)
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
      expect(overflow, `${label} fits the screen`).toBeLessThanOrEqual(0)
    }

    async function openLocation(page: Page, n: number): Promise<string> {
      await page.goto(url('/locations'))
      const link = page.locator(locationLinks).nth(n)
      const name = ((await link.textContent()) ?? '').trim()
      expect((await navigateBy(page, () => link.click())).status()).toBe(200)
      return name
    }

    async function errorList(page: Page) {
      return (await page.locator('.govuk-error-summary__list a').allTextContents()).map((t) => t.trim())
    }

    // Axe and the width check need the page's JavaScript: the runs without it check the journey only.
    async function planVisit(page: Page, n: number, purpose: string, axe: boolean) {
      const due = tomorrowInLondon()
      const name = await openLocation(page, n)
      if (axe) await checkPage(page, 'location page for the IPC nurse')
      await navigateBy(page, () =>
        page.getByRole('link', { name: 'Plan an infection-control visit' }).click(),
      )
      expect(await headingText(page)).toBe('Plan an infection-control visit')
      if (axe) await checkPage(page, 'plan a visit')
      const refused = await navigateBy(page, () =>
        page.getByRole('button', { name: 'Plan the visit' }).click(),
      )
      expect(refused.status()).toBe(400)
      expect(await errorList(page)).toEqual(['Enter the date of the visit', 'Enter what the visit is for'])
      if (axe) await checkPage(page, 'plan a visit with errors')
      await page.locator('#visitDate-day').fill(due.day)
      await page.locator('#visitDate-month').fill(due.month)
      await page.locator('#visitDate-year').fill(due.year)
      await page.getByLabel('Time (optional)').fill('10:30')
      await page.getByLabel('What the visit is for').fill(purpose)
      const planned = await navigateBy(page, () =>
        page.getByRole('button', { name: 'Plan the visit' }).click(),
      )
      expect(planned.status()).toBe(200)
      await expect(page.locator('.govuk-notification-banner').textContent()).resolves.toContain(
        'Visit planned and added to the contact log',
      )
      if (axe) await checkPage(page, 'the planned visit')
      return { name, due }
    }

    async function seeVisitOnLocation(page: Page, name: string, purpose: string, due: string, axe: boolean) {
      await page.goto(url('/locations'))
      await navigateBy(page, () => page.locator(locationLinks, { hasText: name }).first().click())
      expect(await headingText(page)).toBe(name)
      // In the shared contact log's banner, so nobody else books a visit, and in the IPC panel.
      await expect(page.locator('#contact-banner').textContent()).resolves.toContain(`IPC visit: ${purpose}`)
      await expect(page.locator('#ipc-visits').textContent()).resolves.toContain(`IPC visit planned ${due}`)
      if (axe) await checkPage(page, 'location page with the planned visit')
      await navigateBy(page, () =>
        page.locator('#ipc-visits a', { hasText: 'IPC visit planned' }).first().click(),
      )
      expect(await headingText(page)).toBe('Infection-control visit')
      if (axe) await checkPage(page, 'the visit, for the officer')
    }

    async function requestAndDeploy(page: Page, n: number, axe: boolean) {
      const due = tomorrowInLondon()
      const name = await openLocation(page, n)
      await navigateBy(page, () => page.getByRole('link', { name: 'Request emergency staff' }).click())
      expect(await headingText(page)).toBe('Request emergency staff')
      if (axe) await checkPage(page, 'request form')
      await page.getByLabel('Staff self-isolating').check()
      await page.getByLabel('Within 24 hours').check()
      await page.locator('#shift1Role').selectOption('care_worker')
      await page.locator('#shift1Date-day').fill(due.day)
      await page.locator('#shift1Date-month').fill(due.month)
      await page.locator('#shift1Date-year').fill(due.year)
      await page.locator('#shift1Start').fill('08:00')
      await page.locator('#shift1End').fill('07:00')
      await page.locator('#shift1People').fill('1')
      const refused = await navigateBy(page, () => page.getByRole('button', { name: 'Continue' }).click())
      expect(refused.status()).toBe(400)
      expect(await errorList(page)).toEqual([
        'Shift 1 end time must be after its start time, or select ‘Ends the next day’',
      ])
      if (axe) await checkPage(page, 'request form with errors')
      await page.locator('#shift1End').fill('16:00')
      await navigateBy(page, () => page.getByRole('button', { name: 'Continue' }).click())
      expect(await headingText(page)).toBe('Check the request before sending it')
      if (axe) await checkPage(page, 'check the request')
      await navigateBy(page, () => page.getByRole('button', { name: 'Send the request' }).click())
      expect(await headingText(page)).toMatch(/^Staffing request STF-\d+$/)
      await expect(page.locator('.govuk-caption-l').textContent()).resolves.toContain(name)
      if (axe) await checkPage(page, 'the request')

      await navigateBy(page, () => page.getByRole('link', { name: /^Find staff for this shift/ }).click())
      expect(await headingText(page)).toBe('Find staff for a care worker shift')
      if (axe) await checkPage(page, 'people matching offers')
      await page.locator('input[name=personId]').first().check()
      await page.getByLabel('Hourly rate').fill('18.50')
      await page.getByLabel('Emergency staffing: £50K kept from the ICF second tranche').check()
      await navigateBy(page, () => page.getByRole('button', { name: 'Continue' }).click())
      expect(await headingText(page)).toBe('Check the deployment')
      await expect(page.locator('.govuk-summary-list').textContent()).resolves.toContain('£148.00')
      if (axe) await checkPage(page, 'check the deployment')
      await navigateBy(page, () => page.getByRole('button', { name: 'Confirm the deployment' }).click())
      await expect(page.locator('.govuk-notification-banner').textContent()).resolves.toContain(
        'Deployment booked',
      )
      await expect(page.locator('#budget-balance').textContent()).resolves.toMatch(
        /Emergency staffing: £50K kept from the ICF second tranche: £[\d,]+\.\d\d left of £50,000\.00/,
      )
      await expect(page.locator('.govuk-summary-card').first().textContent()).resolves.toContain(
        '1 of 1 place filled',
      )
      if (axe) await checkPage(page, 'the request with its deployment')
    }

    // The staffing team sets up a named budget from the budgets page: checked first, then its balance shown.
    async function setUpBudget(page: Page) {
      await page.goto(url('/staffing/budgets'))
      await navigateBy(page, () => page.getByRole('button', { name: 'Set up a budget' }).click())
      expect(await headingText(page)).toBe('Set up a staffing budget')
      await checkPage(page, 'budget form')
      await page.getByLabel('Allocation').fill('50,00')
      const refused = await navigateBy(page, () => page.getByRole('button', { name: 'Continue' }).click())
      expect(refused.status()).toBe(400)
      expect(await errorList(page)).toEqual([
        'Enter the budget’s name, like ICF tranche 2 retained',
        'Allocation must be an amount in pounds, like 50,000 or 50000.00',
      ])
      await checkPage(page, 'budget form with errors')
      await page.getByLabel('Name of the budget').fill('ICF tranche 2 retained')
      await page.getByLabel('Allocation').fill('50,000')
      await navigateBy(page, () => page.getByRole('button', { name: 'Continue' }).click())
      expect(await headingText(page)).toBe('Check the budget before adding it')
      await checkPage(page, 'check the budget')
      await navigateBy(page, () => page.getByRole('button', { name: 'Add the budget' }).click())
      expect(await headingText(page)).toBe('Emergency staffing budgets')
      await expect(page.locator('.govuk-notification-banner').textContent()).resolves.toContain(
        'Budget added: ICF tranche 2 retained',
      )
      await expect(
        page.locator('.govuk-summary-card', { hasText: 'ICF tranche 2 retained' }).textContent(),
      ).resolves.toContain('£50,000.00 left')
      await checkPage(page, 'budgets with the new one')
    }

    it('the IPC nurse plans a visit that the council officer then sees on the location page, at phone width', async () => {
      const purpose = 'Outbreak support: zoning and PPE'
      const nursePage = await signedIn(nurse.email, desktop)
      let planned: { name: string; due: { long: string } }
      try {
        planned = await planVisit(nursePage.page, 2, purpose, true)
      } finally {
        await nursePage.context.close()
      }
      const officerPage = await signedIn(officer.email, phone)
      try {
        await seeVisitOnLocation(officerPage.page, planned.name, purpose, planned.due.long, true)
      } finally {
        await officerPage.context.close()
      }
    })

    it('the staffing team requests, matches and deploys staff and sets up a budget at phone width, with its balance shown', async () => {
      const { context, page } = await signedIn(officer.email, phone)
      try {
        await requestAndDeploy(page, 1, true)
        await setUpBudget(page)
        for (const [path, heading] of [
          ['/staffing/pool', 'Staffing pool'],
          ['/staffing/budgets', 'Emergency staffing budgets'],
          ['/staffing/figures', 'Emergency staffing by week'],
          ['/staffing/team', 'Staffing team'],
          ['/infection-control/visits', 'Infection-control visits'],
          ['/infection-control/figures', 'Infection-control visits by week'],
        ] as const) {
          expect((await page.goto(url(path)))?.status(), path).toBe(200)
          expect(await headingText(page)).toBe(heading)
          await checkPage(page, `${path} at phone width`)
        }
      } finally {
        await context.close()
      }
    })

    it('both journeys work without JavaScript', async () => {
      const purpose = 'Testing support for staff and residents'
      const nursePage = await signedIn(nurse.email, { ...desktop, javaScriptEnabled: false })
      let planned: { name: string; due: { long: string } }
      try {
        expect(await nursePage.page.locator('body.js-enabled').count()).toBe(0)
        planned = await planVisit(nursePage.page, 3, purpose, false)
      } finally {
        await nursePage.context.close()
      }
      const { context, page } = await signedIn(officer.email, { ...desktop, javaScriptEnabled: false })
      try {
        await seeVisitOnLocation(page, planned.name, purpose, planned.due.long, false)
        await requestAndDeploy(page, 4, false)
      } finally {
        await context.close()
      }
    })
  },
)
