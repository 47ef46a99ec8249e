import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { demoPassword } from '../src/db/seed/demo-county.ts'
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

warnIfBrowserMissing('grants.spec.ts')

const finance = 'finance@northmoor.example'
const manager = 'manager@meadowcare.example'
const roundTwo = 'Infection Control Fund 2020, round 2'

// Issue 23, acceptance 5: the demo county's second round, previewed and committed by finance, accepted
// by a provider from its home page, its first tranche paid, owed and received seen by the provider,
// and spending returned. Every page at phone width, without JavaScript, checked with axe.
describe.skipIf(!chromiumAvailable)('grants in a real browser', () => {
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

  async function signedIn(email: string): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({
      javaScriptEnabled: false,
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    })
    const page = await context.newPage()
    const signIn = new SignInPage(page, server.baseUrl)
    await signIn.open()
    expect((await signIn.signIn(email, demoPassword)).status(), `sign-in as ${email}`).toBe(200)
    return { context, page }
  }

  // axe, and no sideways scrolling at 390 px. axe runs in the page, so the page the journey (without
  // JavaScript) has reached is opened again, signed in as the same user, in a twin with JavaScript.
  async function check(page: Page, label: string) {
    const twin = await browser.newContext({
      storageState: await page.context().storageState(),
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    })
    try {
      const copy = await twin.newPage()
      await copy.goto(page.url())
      await expectNoAxeViolations(copy, label)
      const overflow = await copy.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
      expect(overflow, `${label} scrolls sideways`).toBeLessThanOrEqual(0)
    } finally {
      await twin.close()
    }
  }

  const click = async (page: Page, action: () => Promise<unknown>, status = 200) =>
    expect((await navigateBy(page, action)).status()).toBe(status)

  it('finance previews the second round and commits it after checking', async () => {
    const { context, page } = await signedIn(finance)
    try {
      await page.goto(url('/grants'))
      await check(page, 'grant rounds')
      await click(page, () => page.getByRole('link', { name: roundTwo }).click())
      await check(page, 'a round before its preview')
      await click(page, () => page.getByRole('button', { name: 'Preview the allocation' }).click())
      expect(await page.locator('.govuk-notification-banner--success').textContent()).toContain(
        'Allocation previewed',
      )
      expect(await page.locator('#preview-lines tbody tr').count()).toBeGreaterThan(10)
      await check(page, 'a round previewed')
      await click(page, () => page.getByRole('link', { name: 'Check and commit the allocation' }).click())
      expect(await headingText(page)).toBe('Check the allocation before committing it')
      await check(page, 'check the allocation')
      await click(page, () => page.getByRole('button', { name: 'Commit the allocation' }).click())
      expect(await page.locator('.govuk-notification-banner--success').textContent()).toContain(
        'Allocation committed',
      )
      await check(page, 'a committed round')
    } finally {
      await context.close()
    }
  })

  it('the provider accepts the terms from its home page, named and dated', async () => {
    const { context, page } = await signedIn(manager)
    try {
      expect(await page.locator('.govuk-warning-text').first().textContent()).toMatch(
        /grants? to accept or decline/,
      )
      await check(page, 'provider home with grants')
      await click(page, () => page.locator(`#main-content a:has-text("${roundTwo}")`).first().click())
      await check(page, 'an allocation waiting for an answer')
      await click(page, () => page.getByRole('button', { name: 'Send your answer' }).click(), 400)
      expect(await page.locator('.govuk-error-summary a').allTextContents()).toEqual([
        'Select whether you accept or decline the terms',
        'Enter the name of the person accepting or declining',
      ])
      await page.getByLabel('Yes, we accept the terms').check()
      await page.getByLabel('Your full name').fill('Maria Santos')
      await click(page, () => page.getByRole('button', { name: 'Send your answer' }).click())
      expect(await page.locator('.govuk-summary-list').first().textContent()).toContain(
        'Accepted by Maria Santos on',
      )
      await check(page, 'an accepted allocation')
    } finally {
      await context.close()
    }
  })

  it('finance pays the first tranche; the provider sees owed and received and returns its spending', async () => {
    const payer = await signedIn(finance)
    try {
      const { page } = payer
      await page.goto(url('/grants'))
      await click(page, () => page.getByRole('link', { name: roundTwo }).click())
      const form = page.locator('form[action*="/tranches/"]').first()
      await form.getByLabel('Day').fill('16')
      await form.getByLabel('Month').fill('10')
      await form.getByLabel('Year').fill('2020')
      await click(page, () => form.getByRole('button', { name: 'Record tranche 1 payments' }).click())
      expect(await page.locator('.govuk-notification-banner--success').textContent()).toContain(
        'Tranche payments recorded',
      )
      await check(page, 'a round with its first tranche paid')
    } finally {
      await payer.context.close()
    }

    const { context, page } = await signedIn(manager)
    try {
      const row = page
        .locator(`#main-content tr:has-text("${roundTwo}")`)
        .filter({ hasText: 'Accepted by Maria Santos' })
      const owed = (await row.locator('td[data-label="Owed"]').textContent())!.trim()
      const received = (await row.locator('td[data-label="Received"]').textContent())!.trim()
      expect(owed).toMatch(/^£[\d,]+\.\d\d$/)
      expect(received).not.toBe('£0.00')
      await click(page, () => row.locator('a').click())
      await check(page, 'an allocation to return spending on')
      await page.getByLabel('Isolating residents').fill('1,000.00')
      await page.getByLabel('Restricting staff movement between homes').fill('500')
      await click(page, () => page.getByRole('button', { name: 'Return your spending' }).click())
      expect(await page.locator('.govuk-notification-banner--success').textContent()).toContain(
        'Spending returned',
      )
      await check(page, 'an allocation with its spending returned')
    } finally {
      await context.close()
    }
  })
})
