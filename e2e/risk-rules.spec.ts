import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { demoPassword, demoUsers } from '../src/db/seed/demo-county.ts'
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

warnIfBrowserMissing('risk-rules.spec.ts')

// Issue 5, acceptance 2 in the browser: an administrator changes a risk rule. A wrong condition is
// refused with a message naming the problem; the preview lists the locations the rule would flag; saving
// makes version 2, keeps version 1 in the history, and flags what the preview showed. Issue 19: a trend
// rule's fields preview the same way.
const admin = demoUsers.find((u) => u.email === 'admin@northmoor.example')!

describe.skipIf(!chromiumAvailable)('risk rules admin in the browser', () => {
  let server: E2eServer
  let browser: Browser
  let page: Page

  beforeAll(async () => {
    server = await startServer()
    browser = await launchBrowser()
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage()
    const signIn = new SignInPage(page, server.baseUrl)
    await signIn.open()
    await signIn.signIn(admin.email, demoPassword)
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  it('refuses a wrong condition, previews the flagged locations, saves a new version', async () => {
    const nav = await serviceNavigation(page)
    expect(
      nav.map((n) => n.text),
      page.url(),
    ).toContain('Risk rules')
    await navigateBy(page, () =>
      page.locator('.govuk-service-navigation__link', { hasText: 'Risk rules' }).click(),
    )
    expect(await headingText(page)).toBe('Risk rules')
    await expectNoAxeViolations(page, 'risk rules')
    await navigateBy(page, () => page.getByRole('link', { name: 'Staff absence 10% or more' }).click())
    await expectNoAxeViolations(page, 'a risk rule')
    await navigateBy(page, () => page.getByRole('button', { name: 'Change this rule' }).click())
    await expectNoAxeViolations(page, 'risk rule form')

    await page.locator('#condition').fill('staff_absense_percent >= 8')
    const refused = await navigateBy(page, () => page.getByRole('button', { name: 'Preview' }).click())
    expect(refused.status()).toBe(400)
    const summary = ((await page.locator('.govuk-error-summary').textContent()) ?? '').replace(/\s+/g, ' ')
    expect(summary).toContain(
      "Unknown measure 'staff_absense_percent' — did you mean 'staff_absence_percent'?",
    )
    await expectNoAxeViolations(page, 'risk rule form with an error')

    await page.locator('#condition').fill('staff_absence_percent >= 8 and staff_absence_percent < 20')
    await page.locator('#changeNote').fill('Earlier warning during the winter')
    await navigateBy(page, () => page.getByRole('button', { name: 'Preview' }).click())
    expect(await headingText(page)).toBe('Check the rule before saving it')
    const flagged = ((await page.locator('h2#flagged').textContent()) ?? '').trim()
    const total = Number(/(\d[\d,]*) location/.exec(flagged)?.[1]?.replace(/,/g, '') ?? '0')
    expect(flagged).toMatch(/This rule would flag/)
    await expectNoAxeViolations(page, 'risk rule preview')

    await navigateBy(page, () => page.getByRole('button', { name: 'Save rule' }).click())
    expect(
      ((await page.locator('.govuk-notification-banner').textContent()) ?? '').replace(/\s+/g, ' '),
    ).toContain('Saved as version 2')
    const history = (await page.locator('table').textContent()) ?? ''
    expect(history).toContain('staff_absence_percent >= 10 and staff_absence_percent < 20')
    expect(history).toContain('Earlier warning during the winter')
    await expectNoAxeViolations(page, 'risk rule after saving')

    await navigateBy(page, () => page.getByRole('link', { name: 'Back to risk rules' }).click())
    const row = page.locator('tbody tr', { hasText: 'Staff absence 10% or more' })
    const openAlerts = Number(((await row.locator('td').last().textContent()) ?? '').replace(/,/g, '').trim())
    expect(openAlerts).toBe(total)

    // Issue 19: a trend rule's parameters are fields of the same form, previewed the same way.
    await navigateBy(page, () => page.getByRole('button', { name: 'Add a rule' }).click())
    await page.getByLabel('A figure rising or falling period after period').check()
    await page.locator('#ruleKey').fill('absence-rising')
    await page.locator('#name').fill('Staff absence rising')
    await page.locator('#periods').fill('3')
    await page.locator('#figure').selectOption('staff_absence_percent')
    await page.locator('input[name="direction"][value="up"]').check()
    await page.locator('#message').fill('Absence has gone up three returns running. Check cover.')
    await expectNoAxeViolations(page, 'risk rule form, a trend rule')
    await navigateBy(page, () => page.getByRole('button', { name: 'Preview' }).click())
    expect(await headingText(page)).toBe('Check the rule before saving it')
    expect(await page.locator('dl').textContent()).toContain('staff_absence_percent rising for 3 periods')
    await expectNoAxeViolations(page, 'trend rule preview')
  })
})
