import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { demoPassword, demoUsers } from '../src/db/seed/demo-county.ts'
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

warnIfBrowserMissing('ppe-supply.spec.ts')

const officer = demoUsers.find((u) => u.email === 'officer@northmoor.example')!
const manager = demoUsers.find((u) => u.role === 'provider_manager')!
const phone = { width: 390, height: 844 }

// Issue 20, criterion 2: a provider asks for PPE at phone width without JavaScript; the PPE team adds
// a store, part-approves, picks, dispatches and records the delivery; the provider sees each step; a declined
// request's reason is at the top of the provider's home page; the location's case lists the request.
describe.skipIf(!chromiumAvailable)('emergency PPE in a real browser', () => {
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
    const context = await browser.newContext({ javaScriptEnabled, viewport: phone })
    const page = await context.newPage()
    if (!javaScriptEnabled) withoutJavaScript.add(page)
    const signIn = new SignInPage(page, server.baseUrl)
    await signIn.open()
    const home = await signIn.signIn(email, demoPassword)
    expect(home.status(), `sign-in as ${email}`).toBe(200)
    return { context, page }
  }

  // Each page visited: accessible, and nothing wider than the phone. Axe runs in the page, so a page
  // seen without JavaScript is checked where the other journey sees it with JavaScript.
  const withoutJavaScript = new WeakSet<Page>()
  // `within`: only that part of the page is this capability's (the home page's own tables are not).
  async function check(page: Page, label: string, within = 'body') {
    if (withoutJavaScript.has(page)) return
    await expectNoAxeViolations(page, label)
    const overflow = await page
      .locator(within)
      .first()
      .evaluate((e) => Math.max(e.scrollWidth, e.getBoundingClientRect().right) - window.innerWidth)
    expect(overflow, `${label} fits a 390 px screen`).toBeLessThanOrEqual(0)
  }

  async function click(page: Page, role: 'link' | 'button', name: string, status = 200) {
    const answer = await navigateBy(page, () =>
      page.getByRole(role, { name, exact: true }).first().click({ timeout: 15_000 }),
    )
    expect(answer.status(), `${role} ${name}`).toBe(status)
  }

  // The provider asks for gloves (none left) for their first location; the request's page path.
  async function ask(page: Page, gloves: string): Promise<string> {
    await page.goto(url('/'))
    await click(page, 'link', 'Ask for emergency PPE')
    expect(await headingText(page)).toBe('Ask for emergency PPE')
    await check(page, 'PPE request form')
    await click(page, 'button', 'Continue', 400)
    await check(page, 'PPE request form with errors')
    await page.getByLabel('Which location is it for?').selectOption({ index: 1 })
    await page.getByLabel('How many (gloves)').fill(gloves)
    await page.getByLabel('Days of Disposable gloves you have left').fill('0')
    await page.locator('#hasCases').check()
    await page.locator('#outbreak-2').check()
    await click(page, 'button', 'Continue')
    expect(await headingText(page)).toBe('Check your request before sending it')
    await check(page, 'check your PPE request')
    await click(page, 'button', 'Send the request')
    expect(await page.locator('.govuk-notification-banner').textContent()).toContain('Your request was sent')
    await check(page, 'PPE request as the provider')
    return new URL(page.url()).pathname
  }

  it('a store is added; a provider’s request is part-approved, dispatched and delivered, seen at each step and on the case', async () => {
    const provider = await signedIn(manager.email, false)
    const council = await signedIn(officer.email, true)
    try {
      // The PPE team adds a store (a local distribution point): its errors name each field first.
      await council.page.goto(url('/ppe/stores'))
      await check(council.page, 'PPE stores')
      await click(council.page, 'link', 'Add a store')
      await check(council.page, 'add a PPE store')
      await click(council.page, 'button', 'Add store', 400)
      expect(await council.page.locator('.govuk-error-summary').textContent()).toContain(
        'Enter the name of the store',
      )
      await check(council.page, 'add a PPE store with errors')
      const storeName = `Eastgate drop-off point ${Date.now()}`
      await council.page.getByLabel('Name of the store').fill(storeName)
      await council.page.getByLabel('Local distribution point').check()
      await council.page.getByLabel('Address').fill('Eastgate Library, Northmoor NM5 2EG')
      await click(council.page, 'button', 'Add store')
      expect(await headingText(council.page)).toBe(storeName)
      await check(council.page, 'the new PPE store')

      const requestPath = await ask(provider.page, '400')
      const status = async () => {
        await provider.page.goto(url(requestPath))
        return (await provider.page.locator('main .govuk-tag').allTextContents()).map((t) => t.trim())
      }
      expect(await status()).toContain('Waiting for a decision')

      await council.page.goto(url('/ppe/requests'))
      await check(council.page, 'PPE requests, worst first')
      await council.page.goto(url(requestPath))
      await check(council.page, 'PPE request as the PPE team')
      await council.page.getByLabel('Approve how many Disposable gloves (asked for 400)').fill('500')
      await council.page.getByLabel('Approve the quantities above').check()
      await click(council.page, 'button', 'Save the decision', 400)
      await check(council.page, 'decision with an error')
      await council.page.getByLabel('Approve how many Disposable gloves (asked for 400)').fill('250')
      await click(council.page, 'button', 'Save the decision')
      expect(await status()).toEqual(expect.arrayContaining(['Approved', 'Part approved']))

      await council.page.getByLabel('Store to pick from').selectOption({ label: 'Central store' })
      await click(council.page, 'button', 'Mark as picked')
      expect(await status()).toContain('Picked')
      await click(council.page, 'button', 'Dispatch')
      await check(council.page, 'dispatched request')
      expect(await status()).toContain('Dispatched')
      await council.page.getByLabel('Received by').fill('Duty manager')
      await click(council.page, 'button', 'Record the delivery')
      expect(await status()).toEqual(expect.arrayContaining(['Delivered', 'Part approved']))
      expect(await provider.page.locator('main').textContent()).toContain('received by Duty manager')
      await check(provider.page, 'delivered request as the provider')

      // The location's case lists the request: intelligence opens (or joins) the case.
      const reference = (await headingText(provider.page)).replace('PPE request ', '')
      await click(provider.page, 'link', 'Back to PPE requests')
      await navigateBy(council.page, () => council.page.locator('main .govuk-caption-l a').click())
      expect(await council.page.locator('main').textContent()).toContain(reference)
      await click(council.page, 'link', 'Record intelligence from a partner')
      await council.page.getByLabel('Which organisation reported it').selectOption({ index: 1 })
      await council.page.getByLabel('Red').check()
      await council.page.getByLabel('Title').fill('Gloves short after PPE request (e2e)')
      await council.page.getByLabel('What was reported').fill('The home will run out of gloves tonight.')
      await click(council.page, 'button', 'Record intelligence')
      expect(new URL(council.page.url()).pathname).toMatch(/^\/cases\//)
      expect(await council.page.locator('main').textContent()).toContain(reference)
      await check(council.page, 'case with its PPE requests')
    } finally {
      await provider.context.close()
      await council.context.close()
    }
  })

  it('a declined request’s reason is at the top of the provider’s home page', async () => {
    const provider = await signedIn(manager.email, true)
    const council = await signedIn(officer.email, false)
    try {
      const requestPath = await ask(provider.page, '50')
      await council.page.goto(url(requestPath))
      await council.page.getByLabel('Decline the request').check()
      await click(council.page, 'button', 'Save the decision', 400)
      await check(council.page, 'decline without a reason')
      await council.page.getByLabel('Decline the request').check()
      await council.page
        .getByLabel('Reason for declining (the provider will see it)')
        .fill('You have gloves on order from the national portal (e2e)')
      await click(council.page, 'button', 'Save the decision')
      await provider.page.goto(url('/'))
      const banner = provider.page.locator('main .govuk-notification-banner').first()
      expect(await banner.textContent()).toContain('You have gloves on order from the national portal (e2e)')
      const [bannerTop, returnsTop] = await Promise.all([
        banner.evaluate((e) => e.getBoundingClientRect().top),
        provider.page
          .getByRole('heading', { name: 'Your returns' })
          .evaluate((e) => e.getBoundingClientRect().top),
      ])
      expect(bannerTop).toBeLessThan(returnsTop)
      await check(provider.page, 'provider home with a declined request', 'main .govuk-notification-banner')
    } finally {
      await provider.context.close()
      await council.context.close()
    }
  })
})
