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

warnIfBrowserMissing('payments.spec.ts')

// Issue 22, criterion 5: at phone width and without JavaScript, a finance officer adds a payment scheme
// (check your answers, errors named first), uploads a package and works out June's run, a second officer approves it and records the payment, and the provider (Meadow
// Care, whose first home is 1-2800000001 in the demo) sees the payment on its home page. Axe on every page.
const finance = demoUsers.find((u) => u.email === 'finance@northmoor.example')!
const secondFinance = demoUsers.find((u) => u.email === 'finance2@northmoor.example')!
const manager = demoUsers.find((u) => u.email === 'manager@meadowcare.example')!
const phone = { width: 390, height: 844 }
const packagesCsv = [
  'Reference,CQC location ID,Funder,Beds,Weekly rate,Hourly rate,Planned hours a week,Start date,End date,In area,Hospital discharge',
  'E2E-1,1-2800000001,Council,4,640.00,,,2020-06-01,,,Yes',
].join('\n')
// 4 × £640.00 × 20 % × 30 / 7 = £2,194.29.
const dischargeLine = 'hospital discharge: 4 beds × £640.00 a week × 20 % × 30 days / 7 = £2,194.29'
const todayParts = Object.fromEntries(
  new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/London',
    day: 'numeric',
    month: 'numeric',
    year: 'numeric',
  })
    .formatToParts(new Date())
    .map((p) => [p.type, p.value]),
)
const todayInWords = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
}).format(new Date())

describe.skipIf(!chromiumAvailable)('paying providers in a real browser', () => {
  let server: E2eServer
  let browser: Browser
  const contexts: BrowserContext[] = []
  let runPath = ''

  beforeAll(async () => {
    ;[server, browser] = await Promise.all([startServer(), launchBrowser()])
  })
  afterAll(async () => {
    for (const c of contexts) await c.close()
    await browser?.close()
    await server?.close()
  })

  const url = (href: string) => new URL(href, server.baseUrl).toString()

  // The journey runs without JavaScript; axe needs it, so each page is checked again, as the same user,
  // in a second phone-width browser with JavaScript on (the page's address is a GET: a redirect's end).
  const checkers = new Map<Page, Page>()
  async function signIn(email: string, javaScriptEnabled: boolean): Promise<Page> {
    const context = await browser.newContext({ javaScriptEnabled, viewport: phone })
    contexts.push(context)
    const page = await context.newPage()
    const form = new SignInPage(page, server.baseUrl)
    await form.open()
    expect((await form.signIn(email, demoPassword)).status(), `sign-in as ${email}`).toBe(200)
    return page
  }
  async function signedIn(email: string): Promise<Page> {
    const [page, checker] = await Promise.all([signIn(email, false), signIn(email, true)])
    checkers.set(page, checker)
    return page
  }

  // Axe, and nothing wider than the phone (no sideways scrolling): the whole page, or on a page that is
  // not this capability's (the provider's home), the parts it adds.
  async function checkPage(page: Page, label: string, within = 'html') {
    const checker = checkers.get(page)!
    await checker.goto(page.url())
    await expectNoAxeViolations(checker, label)
    const wide = await checker.evaluate(
      (selector) =>
        Array.from(document.querySelectorAll(selector))
          .flatMap((root) => [root, ...Array.from(root.querySelectorAll('*'))])
          .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 0.5)
          .map((e) => `${e.tagName}.${e.className}`),
      within,
    )
    expect(wide, `${label} scrolls sideways`).toEqual([])
  }

  it('lets a finance officer upload a package and work out a run', async () => {
    const page = await signedIn(finance.email)
    await page.goto(url('/payments'))
    expect(await headingText(page)).toBe('Payments to providers')
    await checkPage(page, 'payments')

    // A scheme as data: seed 000's +10 % extended for July and August. Bad input first: named, not saved.
    await navigateBy(page, () => page.getByRole('link', { name: 'Payment schemes' }).click())
    await navigateBy(page, () => page.getByRole('link', { name: 'Add a payment scheme' }).click())
    await checkPage(page, 'scheme form')
    // The answers go in both browsers: the one without JavaScript commits, the other runs axe.
    const checker = checkers.get(page)!
    const fillScheme = async (p: Page, uplift: string, from: string[], to: string[]) => {
      await p.getByLabel('Name of the scheme').fill('Care homes in the county: +10 % extended')
      await p.getByLabel('Percentage uplift on base rates').check()
      await p.getByLabel('Uplift on the base rate').fill(uplift)
      for (const [prefix, parts] of [
        ['startsDate', from],
        ['endsDate', to],
      ] as const) {
        await p.locator(`#${prefix}-day`).fill(parts[0]!)
        await p.locator(`#${prefix}-month`).fill(parts[1]!)
        await p.locator(`#${prefix}-year`).fill(parts[2]!)
      }
      await p.getByLabel('In the council’s area').check()
      return navigateBy(p, () => p.getByRole('button', { name: 'Check the scheme' }).click())
    }
    const wrong = await fillScheme(page, 'ten', ['31', '8', '2020'], ['1', '7', '2020'])
    expect(wrong.status()).toBe(400)
    const summary = (await page.locator('.govuk-error-summary').textContent()) ?? ''
    expect(summary).toContain('The uplift must be a number, like 10 or 6.5')
    expect(summary).toContain('The last day of the scheme must be the same as or after the first day')
    await fillScheme(checker, 'ten', ['31', '8', '2020'], ['1', '7', '2020'])
    await expectNoAxeViolations(checker, 'scheme form with errors')
    await fillScheme(page, '10', ['1', '7', '2020'], ['31', '8', '2020'])
    expect(await headingText(page)).toBe('Check the scheme before saving it')
    await expect(page.locator('.govuk-summary-list').textContent()).resolves.toContain(
      '1 July 2020 to 31 August 2020',
    )
    await fillScheme(checker, '10', ['1', '7', '2020'], ['31', '8', '2020'])
    await expectNoAxeViolations(checker, 'check the scheme')
    await navigateBy(page, () => page.getByRole('button', { name: 'Save the scheme' }).click())
    expect(await headingText(page)).toBe('Payment schemes')
    await expect(page.locator('main').textContent()).resolves.toContain(
      'Care homes in the county: +10 % extended',
    )
    await checkPage(page, 'schemes')

    await page.goto(url('/payments'))
    await navigateBy(page, () =>
      page.getByRole('link', { name: 'Upload packages or delivered hours' }).click(),
    )
    await checkPage(page, 'upload form')
    await page.getByLabel('Commissioned packages and beds').check()
    await page
      .locator('#file')
      .setInputFiles({ name: 'packages.csv', mimeType: 'text/csv', buffer: Buffer.from(packagesCsv) })
    const preview = await navigateBy(page, () => page.getByRole('button', { name: 'Check the file' }).click())
    expect(preview.status()).toBe(200)
    await expect(page.locator('main').textContent()).resolves.toContain('1 rows are ready to save')
    await checkPage(page, 'upload preview')
    await navigateBy(page, () => page.getByRole('button', { name: 'Save 1 rows' }).click())
    await expect(page.locator('.govuk-panel__title').textContent()).resolves.toContain('Upload saved')
    await checkPage(page, 'upload saved')

    await page.goto(url('/payments/runs/new'))
    await checkPage(page, 'run form')
    const refused = await navigateBy(page, () =>
      page.getByRole('button', { name: 'Work out the run' }).click(),
    )
    expect(refused.status()).toBe(400)
    await expect(page.locator('.govuk-error-summary').textContent()).resolves.toContain(
      'Enter the first day of the period',
    )
    for (const [prefix, day, month] of [
      ['fromDate', '1', '6'],
      ['toDate', '30', '6'],
    ] as const) {
      await page.locator(`#${prefix}-day`).fill(day)
      await page.locator(`#${prefix}-month`).fill(month)
      await page.locator(`#${prefix}-year`).fill('2020')
    }
    const run = await navigateBy(page, () => page.getByRole('button', { name: 'Work out the run' }).click())
    expect(run.status()).toBe(200)
    runPath = new URL(page.url()).pathname
    expect(await headingText(page)).toMatch(/^Payment run PR-\d{4}$/)
    await expect(page.locator('main').textContent()).resolves.toContain(
      'another finance officer must approve it',
    )
    await checkPage(page, 'prepared run')
    // Each line says how it is worked out; Meadow Care is among the providers paid.
    const text = await page.locator('main').textContent()
    expect(text).toContain('× 10 % × 30 days / 7 = £')
    expect(text).toContain('Meadow Care Group Ltd')
  })

  it('lets a second finance officer approve the run and record the payment', async () => {
    const page = await signedIn(secondFinance.email)
    await page.goto(url(runPath))
    await navigateBy(page, () => page.getByRole('link', { name: 'Check and approve this run' }).click())
    expect(await headingText(page)).toMatch(/^Approve payment run PR-/)
    await checkPage(page, 'approve check')
    await navigateBy(page, () => page.getByRole('button', { name: 'Approve the run' }).click())
    await expect(page.locator('main').textContent()).resolves.toContain(
      `Approved by ${secondFinance.displayName}`,
    )
    await checkPage(page, 'approved run')
    await page.locator('#paidDate-day').fill(todayParts.day!)
    await page.locator('#paidDate-month').fill(todayParts.month!)
    await page.locator('#paidDate-year').fill(todayParts.year!)
    await navigateBy(page, () => page.getByRole('button', { name: 'Record the payment' }).click())
    await expect(page.locator('.govuk-summary-list').first().textContent()).resolves.toContain(todayInWords)
    await checkPage(page, 'paid run')
  })

  it('shows the provider what it was paid, when and why, on its home page', async () => {
    const page = await signedIn(manager.email)
    const text = (await page.locator('main').textContent()) ?? ''
    expect(text).toContain('Payments to you')
    expect(text).toContain(`paid on ${todayInWords}`)
    expect(text).toContain(dischargeLine)
    await checkPage(page, 'provider home with payments', '.govuk-summary-card')
  })
})
