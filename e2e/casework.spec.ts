import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { demoPassword, demoUsers } from '../src/db/seed/demo-county.ts'
import { actionRows, caseSummary, tomorrowInLondon, worklistRows } from './pages/casework.page.ts'
import { SignInPage } from './pages/sign-in.page.ts'
import {
  chromiumAvailable,
  expectNoAxeViolations,
  headingText,
  launchBrowser,
  navigateBy,
  serviceNavigation,
  warnIfBrowserMissing,
} from './support/browser.ts'
import { type E2eServer, startServer } from './support/server.ts'

warnIfBrowserMissing('casework.spec.ts')

const officer = demoUsers.find((u) => u.email === 'officer@northmoor.example')!
const nurse = demoUsers.find((u) => u.email === 'nurse@ipc.northmoor.example')!
const firstLocationLink = '#main-content table.govuk-table tbody a.govuk-link'
const casePath = /^\/cases\/[0-9a-f-]{36}$/

describe.skipIf(!chromiumAvailable)('casework in a real browser', () => {
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
    javaScriptEnabled = true,
  ): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ javaScriptEnabled, viewport: { width: 1280, height: 900 } })
    const page = await context.newPage()
    const signIn = new SignInPage(page, server.baseUrl)
    await signIn.open()
    const home = await signIn.signIn(email, demoPassword)
    expect(home.status(), `sign-in as ${email}`).toBe(200)
    return { context, page }
  }

  // Intelligence about the n-th location on the first page of the list: it opens (or joins) a case.
  async function recordIntelligence(page: Page, n: number, title: string, axe: boolean) {
    await page.goto(url('/locations'))
    const link = page.locator(firstLocationLink).nth(n)
    const name = ((await link.textContent()) ?? '').trim()
    expect((await navigateBy(page, () => link.click())).status()).toBe(200)
    if (axe) await expectNoAxeViolations(page, 'location page with its case summary')
    const form = await navigateBy(page, () =>
      page.getByRole('link', { name: 'Record intelligence from a partner', exact: true }).click(),
    )
    expect(form.status()).toBe(200)
    expect(await headingText(page)).toBe('Record intelligence from a partner')
    if (axe) await expectNoAxeViolations(page, 'record intelligence form')
    const refused = await navigateBy(page, () =>
      page.getByRole('button', { name: 'Record intelligence' }).click(),
    )
    expect(refused.status()).toBe(400)
    const problems = await page.locator('.govuk-error-summary__list a').allTextContents()
    expect(problems.map((p) => p.trim())).toEqual([
      'Select the partner who reported it',
      'Select red or amber',
      'Enter a short title, like “Manager reports staff off sick”',
      'Enter what was reported',
    ])
    if (axe) await expectNoAxeViolations(page, 'record intelligence form with errors')
    await page.getByLabel('Which organisation reported it').selectOption({ index: 1 })
    await page.getByLabel('Red').check()
    await page.getByLabel('Title').fill(title)
    await page
      .getByLabel('What was reported')
      .fill('The manager told the IPC nurse that gloves run out on Friday.')
    const saved = await navigateBy(page, () =>
      page.getByRole('button', { name: 'Record intelligence' }).click(),
    )
    expect(saved.status()).toBe(200)
    expect(pathname(page)).toMatch(casePath)
    expect(await headingText(page)).toBe(`Case: ${name}`)
    await expect(page.locator('.govuk-notification-banner').textContent()).resolves.toContain(
      'Intelligence recorded',
    )
    await expect(page.locator('.govuk-summary-card__title').allTextContents()).resolves.toContain(title)
    return name
  }

  async function takeOwnershipAndAddAction(page: Page, axe: boolean) {
    const owned = await navigateBy(page, () =>
      page.getByRole('button', { name: 'Take ownership', exact: true }).click(),
    )
    expect(owned.status()).toBe(200)
    await expect(page.locator('.govuk-notification-banner').textContent()).resolves.toContain(
      'You own this case',
    )
    const summary = await caseSummary(page)
    expect(summary.get('Status')).toBe('Owned')
    expect(summary.get('Owning organisation')).toBe('Northmoor County Council')
    if (axe) await expectNoAxeViolations(page, 'case page, owned')

    const due = tomorrowInLondon()
    const refused = await navigateBy(page, () =>
      page.getByRole('button', { name: 'Add action', exact: true }).click(),
    )
    expect(refused.status()).toBe(400)
    await expect(page.locator('.govuk-error-summary').textContent()).resolves.toContain(
      'Enter what will be done',
    )
    if (axe) await expectNoAxeViolations(page, 'case page with action errors')
    await page.getByLabel('What will be done').fill('Deliver two boxes of gloves from the county store')
    await page.getByLabel('Day').fill(due.day)
    await page.getByLabel('Month').fill(due.month)
    await page.getByLabel('Year').fill(due.year)
    const added = await navigateBy(page, () =>
      page.getByRole('button', { name: 'Add action', exact: true }).click(),
    )
    expect(added.status()).toBe(200)
    await expect(page.locator('.govuk-notification-banner').textContent()).resolves.toContain('Action added')
    const rows = await actionRows(page)
    expect(rows[0]?.[0]).toContain('Deliver two boxes of gloves from the county store')
    expect(rows[0]?.[1]).toBe(due.long)
    expect(rows[0]?.[2]).toBe('To do')
    const done = await navigateBy(page, () =>
      page
        .getByRole('button', { name: /^Mark as done/ })
        .first()
        .click(),
    )
    expect(done.status()).toBe(200)
    expect((await caseSummary(page)).get('Status')).toBe('Action taken')
  }

  it('an officer records intelligence, finds the case on the worklist, takes ownership and adds an action', async () => {
    const { context, page } = await signedIn(officer.email)
    try {
      const nav = await serviceNavigation(page)
      expect(nav.map((n) => n.text)).toContain('Worklist')
      const name = await recordIntelligence(page, 0, 'Gloves running out', true)
      await expectNoAxeViolations(page, 'case page after intelligence')

      const worklist = await navigateBy(page, () =>
        page
          .locator('.govuk-service-navigation')
          .getByRole('link', { name: 'Worklist', exact: true })
          .click(),
      )
      expect(worklist.status()).toBe(200)
      expect(await headingText(page)).toBe('Worklist')
      await expectNoAxeViolations(page, 'worklist')
      const unowned = await navigateBy(page, () =>
        page.getByRole('link', { name: /^Unowned \(\d+\)$/ }).click(),
      )
      expect(unowned.status()).toBe(200)
      expect(new URL(page.url()).search).toBe('?show=unowned')
      const rows = await worklistRows(page)
      expect(rows.length).toBeGreaterThan(0)
      expect(rows.every((r) => r.owner === 'Unowned')).toBe(true)
      // Most urgent first: no amber row comes before a red one, and the red alert recorded a moment ago
      // comes before every red that has been known for longer (issue 18).
      const rags = rows.map((r) => r.rag)
      expect(rags.indexOf('Red')).toBeLessThanOrEqual(Math.max(0, rags.indexOf('Amber')))
      expect(rows[0]?.location, 'the newest red first').toBe(name)
      let ours = rows[0]
      expect(ours?.opened).toMatch(/just now|minute/)
      expect(ours, `${name} on the unowned list`).toBeDefined()
      expect(ours?.alerts).toContain('Gloves running out')
      await expectNoAxeViolations(page, 'worklist, unowned')

      // The worklist's search form (a plain GET form): by the home's name, it is the one row.
      await page.getByLabel('Name, postcode or CQC ID', { exact: true }).fill(name)
      await page.getByLabel('RAG', { exact: true }).selectOption('red')
      const searched = await navigateBy(page, () =>
        page.getByRole('button', { name: 'Search', exact: true }).click(),
      )
      expect(searched.status()).toBe(200)
      expect(new URL(page.url()).searchParams.get('search')).toBe(name)
      ours = (await worklistRows(page)).find((r) => r.location === name)
      expect(ours?.alerts).toContain('Gloves running out')
      await expectNoAxeViolations(page, 'worklist, searched')

      const opened = await navigateBy(page, () =>
        page.getByRole('link', { name, exact: true }).first().click(),
      )
      expect(opened.status()).toBe(200)
      expect(pathname(page)).toMatch(casePath)
      await takeOwnershipAndAddAction(page, true)

      await page.goto(url('/worklist?show=mine'))
      const mine = await worklistRows(page)
      expect(mine.map((r) => r.location)).toContain(name)
      expect(mine.find((r) => r.location === name)?.owner).toContain('Northmoor County Council')

      // Resolving the alert by hand needs a note; the close page asks to confirm open alerts.
      await page.goto(url(mine.find((r) => r.location === name)!.href))
      const resolve = await navigateBy(page, () =>
        page.getByRole('link', { name: /^Resolve the alert Gloves running out/ }).click(),
      )
      expect(resolve.status()).toBe(200)
      await expectNoAxeViolations(page, 'resolve an alert')
      const noNote = await navigateBy(page, () => page.getByRole('button', { name: 'Resolve alert' }).click())
      expect(noNote.status()).toBe(400)
      await expectNoAxeViolations(page, 'resolve an alert with errors')
      await page.getByLabel('Why can this alert be resolved?').fill('Gloves delivered by the county store')
      expect(
        (await navigateBy(page, () => page.getByRole('button', { name: 'Resolve alert' }).click())).status(),
      ).toBe(200)
      await expect(page.locator('.govuk-notification-banner').textContent()).resolves.toContain(
        'Alert resolved',
      )
      const close = await navigateBy(page, () =>
        page.getByRole('link', { name: 'Close the case', exact: true }).click(),
      )
      expect(close.status()).toBe(200)
      await expectNoAxeViolations(page, 'close the case')
    } finally {
      await context.close()
    }
  })

  it('works without JavaScript: intelligence, ownership and an action, as plain forms', async () => {
    const { context, page } = await signedIn(officer.email, false)
    try {
      const name = await recordIntelligence(page, 1, 'Staff isolating', false)
      await takeOwnershipAndAddAction(page, false)
      // The worklist's search is a plain GET form too.
      await page.goto(url('/worklist'))
      await page.getByLabel('Name, postcode or CQC ID', { exact: true }).fill(name)
      await page.getByLabel('Owned by', { exact: true }).selectOption('mine')
      const searched = await navigateBy(page, () =>
        page.getByRole('button', { name: 'Search', exact: true }).click(),
      )
      expect(searched.status()).toBe(200)
      expect((await worklistRows(page)).map((r) => r.location)).toContain(name)
    } finally {
      await context.close()
    }
  })

  it('shows a partner officer the worklist too', async () => {
    const { context, page } = await signedIn(nurse.email)
    try {
      expect((await page.goto(url('/worklist')))?.status()).toBe(200)
      expect(await headingText(page)).toBe('Worklist')
      await expectNoAxeViolations(page, 'worklist as a partner officer')
    } finally {
      await context.close()
    }
  })
})
