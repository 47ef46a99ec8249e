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
  warnIfBrowserMissing,
} from './support/browser.ts'
import { type E2eServer, startServer } from './support/server.ts'

warnIfBrowserMissing('action-plan.spec.ts')

const nurse = demoUsers.find((u) => u.email === 'nurse@ipc.northmoor.example')!
const officer = demoUsers.find((u) => u.email === 'officer@northmoor.example')!
const viewer = demoUsers.find((u) => u.email === 'viewer@northmoor.example')!

// Issue 24: the action plan, its measures and the published progress report, at phone width with
// JavaScript off (every form must work without it), axe on every page.
describe.skipIf(!chromiumAvailable)('the action plan and its published report in a real browser', () => {
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

  async function onPhoneWithoutJavaScript(email: string): Promise<Page> {
    const context = await browser.newContext({
      javaScriptEnabled: false,
      viewport: { width: 390, height: 844 },
      isMobile: true,
    })
    const page = await context.newPage()
    const signIn = new SignInPage(page, server.baseUrl)
    await signIn.open()
    expect((await signIn.signIn(email, demoPassword)).status(), `sign-in as ${email}`).toBe(200)
    return page
  }

  // Axe and the width check need scripts, which these pages run without: the page as the browser got
  // it is checked in a twin page at the same address and width, with scripts on.
  async function checkPage(page: Page, label: string) {
    const html = await page.content()
    const twin = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true })
    const copy = await twin.newPage()
    await copy.route('**/*', (route) =>
      route.request().isNavigationRequest()
        ? route.fulfill({ contentType: 'text/html; charset=utf-8', body: html })
        : route.continue(),
    )
    await copy.goto(page.url())
    await copy.waitForLoadState('load')
    await expectNoAxeViolations(copy, label)
    const overflow = await copy.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
    expect(overflow, `${label} scrolls sideways at 390 px`).toBeLessThanOrEqual(0)
    await twin.close()
  }

  it('lets the IPC team’s lead update their action, and its measures fill in', async () => {
    const page = await onPhoneWithoutJavaScript(nurse.email)
    expect((await page.goto(url('/action-plan')))?.status()).toBe(200)
    await checkPage(page, 'action plan')
    await navigateBy(page, () => page.getByRole('link', { name: /^4\.3 / }).click())
    expect(await headingText(page)).toMatch(/^4\.3 Deliver IPC training/)
    await checkPage(page, 'action page')
    await navigateBy(page, () => page.getByRole('link', { name: 'Update this action' }).click())
    await checkPage(page, 'update form')
    const refused = await navigateBy(page, () =>
      page.getByRole('button', { name: 'Save the update' }).click(),
    )
    expect(refused.status()).toBe(400)
    expect(
      (await page.locator('.govuk-error-summary__list a').allTextContents()).map((t) => t.trim()),
    ).toEqual([
      'Enter the period this update covers, like December 2026',
      'Enter what was done this period',
      'Enter what is still to do',
    ])
    await checkPage(page, 'update form with errors')
    await page.getByLabel('Period this update covers').fill('This month')
    await page
      .getByLabel('What was done this period')
      .fill('Train-the-trainer sessions ran for the last homes.')
    await page.getByLabel('What is still to do').fill('Follow up the homes that declined.')
    await page.getByLabel('Green: on track').check()
    await navigateBy(page, () => page.getByRole('button', { name: 'Save the update' }).click())
    expect(await headingText(page)).toMatch(/^4\.3 /)
    await expect.poll(() => page.getByText('Update saved').count()).toBe(1)
    await checkPage(page, 'action page after the update')
    expect(await page.getByText('Train-the-trainer sessions ran for the last homes.').count()).toBe(1)
    const measure = (await page.locator('[data-measure="ipc-training-answered"]').textContent())?.trim()
    expect(measure).toMatch(/^\d+% \(\d+ of \d+\)$/)
    await navigateBy(page, () =>
      page.locator('a[href="/action-plan/measures/ipc-training-answered"]').first().click(),
    )
    await checkPage(page, 'a measure’s records')
    await page.context().close()
  })

  it('lets an officer publish after the check window, and a viewer read the published report', async () => {
    const page = await onPhoneWithoutJavaScript(officer.email)
    expect((await page.goto(url('/publications')))?.status()).toBe(200)
    await checkPage(page, 'publications')
    await navigateBy(page, () => page.getByRole('link', { name: 'Open version 3' }).click())
    await checkPage(page, 'version 3 ready to sign off')
    expect(await page.getByText('the delivery had been recorded late').count()).toBeGreaterThan(0)
    await navigateBy(page, () => page.getByRole('link', { name: 'Sign off and publish version 3' }).click())
    expect(await headingText(page)).toBe('Check before you publish')
    await checkPage(page, 'check before you publish')
    await navigateBy(page, () => page.getByRole('button', { name: 'Sign off and publish' }).click())
    expect(await page.getByText('Published. Its permanent address is').count()).toBe(1)
    await checkPage(page, 'version 3 published')
    await page.context().close()

    const reader = await onPhoneWithoutJavaScript(viewer.email)
    expect((await reader.goto(url('/action-plan')))?.status()).toBe(200)
    await navigateBy(reader, () =>
      reader.getByRole('link', { name: 'the published progress report' }).click(),
    )
    await checkPage(reader, 'published versions')
    expect(await reader.getByText('Correction:').count()).toBeGreaterThan(0)
    const opened = await navigateBy(reader, () =>
      reader.getByRole('link', { name: 'Read version 3' }).click(),
    )
    expect(opened.status()).toBe(200)
    expect(await headingText(reader)).toBe('Care market support plan: progress report')
    expect(await reader.getByText(/^Version 3, published/).count()).toBe(1)
    await checkPage(reader, 'the published report')
    await reader.context().close()
  })

  it('lets an officer add an action through the form and see it in the live report', async () => {
    const page = await onPhoneWithoutJavaScript(officer.email)
    expect((await page.goto(url('/action-plan')))?.status()).toBe(200)
    await navigateBy(page, () => page.getByRole('link', { name: 'Add an action' }).click())
    expect(await headingText(page)).toBe('Add an action')
    await checkPage(page, 'add an action')
    const refused = await navigateBy(page, () => page.getByRole('button', { name: 'Add the action' }).click())
    expect(refused.status()).toBe(400)
    expect(
      (await page.locator('.govuk-error-summary__list a').allTextContents()).map((t) => t.trim()),
    ).toEqual([
      'Select the strategic area',
      'Enter what the action is',
      'Select the organisation that leads it',
      'Enter who is taking the lead',
      'Select how the action is going',
    ])
    await checkPage(page, 'add an action with errors')
    await page.getByLabel('Strategic area').selectOption({ index: 2 })
    await page.getByLabel('What we said we needed to do').fill('Run a local care jobs fair')
    await page.getByLabel('Lead organisation').selectOption({ index: 1 })
    await page.getByLabel('Who is taking the lead').fill('Jobs fair organiser')
    await page.locator('#dueDate-day').fill('30')
    await page.locator('#dueDate-month').fill('9')
    await page.locator('#dueDate-year').fill('2027')
    await page.getByLabel('Amber: some delay').check()
    await page.getByLabel('PPE requests delivered within 24 hours').check()
    await navigateBy(page, () => page.getByRole('button', { name: 'Add the action' }).click())
    expect(await headingText(page)).toMatch(/^2\.\d+ Run a local care jobs fair$/)
    expect(await page.getByText('Action added').count()).toBe(1)
    await checkPage(page, 'the new action')
    await page.goto(url('/action-plan'))
    await navigateBy(page, () =>
      page.getByRole('link', { name: 'the progress report as it stands now' }).click(),
    )
    expect(await headingText(page)).toBe('Care market support plan: progress report')
    // Playwright tests a pattern against the element's text as it is, spaces around it included.
    expect(await page.getByText(/^\s*2\.\d+ Run a local care jobs fair\s*$/).count()).toBe(1)
    expect(await page.getByText(/^PPE requests delivered within 24 hours: /).count()).toBeGreaterThan(0)
    await checkPage(page, 'the live progress report')
    await page.context().close()
  })

  it('lets an officer correct an action’s title through its Change link', async () => {
    const page = await onPhoneWithoutJavaScript(officer.email)
    expect((await page.goto(url('/action-plan')))?.status()).toBe(200)
    await navigateBy(page, () => page.getByRole('link', { name: 'Change action 1.1' }).click())
    expect(await headingText(page)).toBe('Change action 1.1')
    const title = page.getByLabel('What we said we needed to do')
    expect(await title.inputValue()).toBe('Keep watch on quality and safety in every service')
    await checkPage(page, 'change an action')
    await title.fill('')
    const refused = await navigateBy(page, () =>
      page.getByRole('button', { name: 'Save the changes' }).click(),
    )
    expect(refused.status()).toBe(400)
    expect(
      (await page.locator('.govuk-error-summary__list a').allTextContents()).map((t) => t.trim()),
    ).toEqual(['Enter what the action is'])
    await checkPage(page, 'change an action with errors')
    await title.fill('Keep watch on the quality and safety of every service')
    await navigateBy(page, () => page.getByRole('button', { name: 'Save the changes' }).click())
    expect(await headingText(page)).toBe('Action plan')
    expect(await page.getByText('Action 1.1 changed').count()).toBe(1)
    expect(
      await page
        .getByRole('link', { name: '1.1 Keep watch on the quality and safety of every service' })
        .count(),
    ).toBe(1)
    await checkPage(page, 'the plan after the change')
    await page.context().close()
  })
})
