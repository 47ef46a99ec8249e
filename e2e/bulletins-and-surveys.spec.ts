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

warnIfBrowserMissing('bulletins-and-surveys.spec.ts')

const officer = demoUsers.find((u) => u.email === 'officer@northmoor.example')!
const manager = demoUsers.find((u) => u.email === 'manager@meadowcare.example')!
const phone = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }

describe.skipIf(!chromiumAvailable)('bulletins and surveys in a real browser', () => {
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

  async function signedIn(email: string, options: { javaScriptEnabled: boolean; onPhone: boolean }) {
    const context: BrowserContext = await browser.newContext({
      javaScriptEnabled: options.javaScriptEnabled,
      ...(options.onPhone ? phone : { viewport: { width: 1280, height: 900 } }),
    })
    const page = await context.newPage()
    const signIn = new SignInPage(page, server.baseUrl)
    await signIn.open()
    expect((await signIn.signIn(email, demoPassword)).status(), `sign-in as ${email}`).toBe(200)
    if (!options.javaScriptEnabled) {
      // Axe runs in the page: a page of its own, same size, with JavaScript, checks the markup the
      // page without JavaScript was given.
      const checkerContext = await browser.newContext(
        options.onPhone ? phone : { viewport: { width: 1280, height: 900 } },
      )
      checkers.set(page, await checkerContext.newPage())
      context.on('close', () => void checkerContext.close())
    }
    return { context, page }
  }
  const checkers = new Map<Page, Page>()

  // Axe, and at phone width nothing wider than the screen (no sideways scrolling).
  async function checkPage(page: Page, label: string, onPhone: boolean) {
    const checker = checkers.get(page)
    if (checker) {
      await checker.goto(url('/sign-in'))
      await checker.setContent(await page.content())
    }
    const checked = checker ?? page
    await expectNoAxeViolations(checked, label)
    if (onPhone) {
      const width = await checked.evaluate(() => document.documentElement.scrollWidth)
      expect(width, `${label} fits 390 px`).toBeLessThanOrEqual(390)
    }
  }

  const click = (page: Page, role: 'button' | 'link', name: string | RegExp) =>
    navigateBy(page, () =>
      page
        .getByRole(role, { name, exact: typeof name === 'string' })
        .first()
        .click(),
    )

  it('an officer sends a bulletin to a filtered audience, a provider reads it, the officer sees it read', async () => {
    const title = `Gloves: new delivery days ${Date.now()}`
    // The officer on a phone without JavaScript too: composing, attaching and sending need neither.
    const { context, page } = await signedIn(officer.email, { javaScriptEnabled: false, onPhone: true })
    const reader = await signedIn(manager.email, { javaScriptEnabled: false, onPhone: true })
    try {
      await page.goto(url('/bulletins'))
      await checkPage(page, 'bulletin archive', false)
      expect((await click(page, 'link', 'Write a bulletin')).status()).toBe(200)
      await checkPage(page, 'new bulletin form', false)
      expect((await click(page, 'button', 'Continue')).status()).toBe(400)
      await expect(page.locator('.govuk-error-summary').textContent()).resolves.toContain('Enter a title')
      await checkPage(page, 'new bulletin form with errors', false)
      await page.getByLabel('Title').fill(title)
      await page
        .getByLabel('Bulletin', { exact: true })
        .fill('Deliveries now come **Tuesday and Friday**.\n\n<script>alert(1)</script>')
      await page.getByLabel('Contracted', { exact: true }).check()
      expect((await click(page, 'button', 'Continue')).status()).toBe(200)
      expect(await headingText(page)).toBe('Check the bulletin before sending it')
      await checkPage(page, 'check the bulletin', true)
      // A file attached on the check page: its content, not only its name, makes it a PDF.
      await page.getByLabel('Attach a file (optional)').setInputFiles({
        name: 'Delivery days.pdf',
        mimeType: 'application/pdf',
        buffer: Buffer.from(
          '%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n',
        ),
      })
      expect((await click(page, 'button', 'Attach the file')).status()).toBe(200)
      await expect(page.locator('#bulletin-attachments').textContent()).resolves.toContain(
        'Delivery days.pdf',
      )
      await checkPage(page, 'check the bulletin with a file attached', true)
      await expect(page.locator('#audience-count').textContent()).resolves.toBe('1')
      await expect(page.locator('#audience-sample').textContent()).resolves.toContain(manager.email)
      await expect(page.locator('#bulletin-preview strong').textContent()).resolves.toBe('Tuesday and Friday')
      expect(await page.locator('#bulletin-preview script').count()).toBe(0)
      await page.getByLabel('Now').check()
      expect((await click(page, 'button', 'Send the bulletin')).status()).toBe(200)
      await checkPage(page, 'bulletin sent', false)
      await expect(page.locator('#read-count').textContent()).resolves.toBe('0')

      // The provider, on a phone without JavaScript: unread at the top of the home page.
      await reader.page.goto(url('/'))
      // The home page's own table of returns is wider than a phone (not this capability's): axe only.
      await checkPage(reader.page, 'provider home with an unread bulletin', false)
      const unread = reader.page.locator('#home-bulletins li', { hasText: title })
      await expect(unread.textContent()).resolves.toContain('Unread')
      expect((await navigateBy(reader.page, () => unread.getByRole('link').click())).status()).toBe(200)
      expect(await headingText(reader.page)).toBe(title)
      await checkPage(reader.page, 'bulletin as the provider reads it', true)
      // The attached file is the provider's to download (the link carries the session, no JavaScript).
      const file = reader.page.locator('#bulletin-attachments a', { hasText: 'Delivery days.pdf' })
      const download = await reader.page.request.get(url((await file.getAttribute('href'))!))
      expect(download.status()).toBe(200)
      expect(download.headers()['content-type']).toBe('application/pdf')
      await expect(reader.page.locator('#bulletin-body').textContent()).resolves.toContain(
        '<script>alert(1)</script>',
      )
      await reader.page.goto(url('/bulletins'))
      await checkPage(reader.page, 'provider bulletins', true)
      await expect(
        reader.page.locator('#bulletin-inbox li', { hasText: title }).textContent(),
      ).resolves.not.toContain('Unread')

      await page.reload()
      await expect(page.locator('#read-count').textContent()).resolves.toBe('1')
      await expect(page.locator('#bulletin-readers').textContent()).resolves.toContain('Read')
    } finally {
      await context.close()
      await reader.context.close()
    }
  })

  it('a provider answers the needs survey one question per page, on a phone, without JavaScript', async () => {
    const { context, page } = await signedIn(manager.email, { javaScriptEnabled: false, onPhone: true })
    try {
      await page.goto(url('/surveys'))
      await checkPage(page, 'surveys to answer', true)
      expect((await click(page, 'link', 'Provider needs survey')).status()).toBe(200)
      await checkPage(page, 'survey start page', true)
      expect((await click(page, 'button', /Start now/)).status()).toBe(200)
      // Question 1: yes or no; sent empty first, for the error.
      expect((await click(page, 'button', 'Continue')).status()).toBe(400)
      await expect(page.locator('.govuk-error-summary').textContent()).resolves.toContain('Select an answer')
      await checkPage(page, 'survey question with an error', true)
      await page.getByLabel('Yes').check()
      expect((await click(page, 'button', 'Continue')).status()).toBe(200)
      await page.getByLabel('How many staff are off work because of COVID-19?').fill('two')
      expect((await click(page, 'button', 'Continue')).status()).toBe(400)
      await expect(page.locator('.govuk-error-summary').textContent()).resolves.toContain(
        'How many staff are off work because of COVID-19? must be a whole number',
      )
      await page.getByLabel('How many staff are off work because of COVID-19?').fill('2')
      await checkPage(page, 'survey number question', true)
      expect((await click(page, 'button', 'Continue')).status()).toBe(200)
      await page.getByLabel('Testing').check()
      await checkPage(page, 'survey choice question', true)
      expect((await click(page, 'button', 'Continue')).status()).toBe(200)
      await page.getByLabel('No').check()
      expect((await click(page, 'button', 'Continue')).status()).toBe(200)
      await page.getByLabel('What else would help you most?').fill('Faster test results for agency staff')
      await checkPage(page, 'survey text question', true)
      expect((await click(page, 'button', 'Continue')).status()).toBe(200)
      expect(await headingText(page)).toBe('Check your answers before sending them')
      await checkPage(page, 'survey check answers', true)
      await expect(page.locator('.govuk-summary-list').textContent()).resolves.toContain('Testing')
      expect((await click(page, 'button', 'Send your answers')).status()).toBe(200)
      await expect(page.locator('.govuk-panel__title').textContent()).resolves.toContain('Answers sent')
      await checkPage(page, 'survey answers sent', true)
    } finally {
      await context.close()
    }
    // The officer sees the answer among the results, charts with tables.
    const results = await signedIn(officer.email, { javaScriptEnabled: true, onPhone: false })
    try {
      await results.page.goto(url('/surveys'))
      expect((await click(results.page, 'link', 'Provider needs survey')).status()).toBe(200)
      await checkPage(results.page, 'survey results', false)
      await expect(results.page.locator('body').textContent()).resolves.toContain(
        'Faster test results for agency staff',
      )
    } finally {
      await results.context.close()
    }
  })
})
