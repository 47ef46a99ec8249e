import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { demoPassword, demoUsers } from '../src/db/seed/demo-county.ts'
import { londonDate } from '../src/domain/dates.ts'
import { textOf } from './pages/returns.page.ts'
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

warnIfBrowserMissing('nil-and-exceptions.spec.ts')

// Issue 19 in the browser: a council officer agrees a later deadline for one of the council's locations
// (bad input refused with an error summary, then checked, then saved) and the provider sees it on the
// return form; the provider's manager says another location has nothing to report this period.
const byEmail = (email: string) => demoUsers.find((u) => u.email === email)!
const officer = byEmail('officer@northmoor.example')
const providerManager = byEmail('manager@meadowcare.example')

describe.skipIf(!chromiumAvailable)('nil returns and agreed exceptions in the browser', () => {
  let server: E2eServer
  let browser: Browser
  const contexts: BrowserContext[] = []
  // Two care homes of the manager's provider in the officer's council's own area.
  let homes: { id: string; name: string }[] = []

  beforeAll(async () => {
    server = await startServer()
    browser = await launchBrowser()
    const db = server.services.db
    homes = await db
      .selectFrom('locations')
      .innerJoin('organisations as provider', 'provider.providerId', 'locations.providerId')
      .innerJoin('organisations as council', 'council.id', 'locations.councilId')
      .innerJoin('users as officer', 'officer.organisationId', 'council.id')
      .innerJoin('users as manager', 'manager.organisationId', 'provider.id')
      .select(['locations.id', 'locations.name'])
      .where('officer.email', '=', officer.email)
      .where('manager.email', '=', providerManager.email)
      .where('locations.serviceType', 'in', ['care_home_residential', 'care_home_nursing'])
      .where('locations.status', '=', 'open')
      .orderBy((eb) =>
        eb.exists(
          eb
            .selectFrom('situationReturns')
            .select('id')
            .whereRef('situationReturns.locationId', '=', 'locations.id')
            .where('situationReturns.periodStart', '=', londonDate(new Date())),
        ),
      )
      .orderBy('locations.name')
      .limit(2)
      .execute()
  })
  afterAll(async () => {
    for (const context of contexts) await context.close()
    await browser?.close()
    await server?.close()
  })

  async function signedIn(email: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
    contexts.push(context)
    const page = await context.newPage()
    const signIn = new SignInPage(page, server.baseUrl)
    await signIn.open()
    await signIn.signIn(email, demoPassword)
    return page
  }

  it('an officer agrees a later deadline: refused with an error summary, checked, saved; the provider sees it', async () => {
    expect(homes).toHaveLength(2)
    const home = homes[1]!
    const page = await signedIn(officer.email)
    await navigateBy(page, () => page.goto(`${server.baseUrl}/locations/${home.id}`))
    await expectNoAxeViolations(page, 'location page')
    await navigateBy(page, () => page.getByRole('link', { name: 'Agreed exceptions to returns' }).click())
    expect(await headingText(page)).toBe('Agreed exceptions to returns')
    await expectNoAxeViolations(page, 'agreed exceptions')
    await navigateBy(page, () => page.getByRole('button', { name: 'Agree an exception' }).click())
    await expectNoAxeViolations(page, 'exception form')

    // Nothing chosen, hours not a number, no reason: each named in the summary.
    await page.locator('#extraHours').fill('two')
    const refused = await navigateBy(page, () => page.getByRole('button', { name: 'Continue' }).click())
    expect(refused.status()).toBe(400)
    const summary = await textOf(page.locator('.govuk-error-summary'))
    expect(summary).toContain('Select a later deadline or no return expected')
    expect(summary).toContain('Enter the first day as a real date')
    expect(summary).toContain('Enter why the exception is agreed')
    await expectNoAxeViolations(page, 'exception form with errors')

    const [year, month, day] = londonDate(new Date()).split('-')
    await page.getByLabel('A later deadline').check()
    await page.locator('#extraHours').fill('2')
    await page.locator('#startsDate-day').fill(String(Number(day)))
    await page.locator('#startsDate-month').fill(String(Number(month)))
    await page.locator('#startsDate-year').fill(year!)
    await page.locator('#reason').fill('The manager reports after the morning medicines round')
    await navigateBy(page, () => page.getByRole('button', { name: 'Continue' }).click())
    expect(await headingText(page)).toBe('Check the exception before saving it')
    expect(await textOf(page.locator('.govuk-summary-list'))).toContain('Due 2 hours later than usual')
    await expectNoAxeViolations(page, 'exception check page')
    await navigateBy(page, () => page.getByRole('button', { name: 'Save the exception' }).click())
    expect(await textOf(page.locator('.govuk-notification-banner'))).toContain('Exception saved')
    expect(await textOf(page.locator('tbody'))).toContain('Due 2 hours later than usual')
    await expectNoAxeViolations(page, 'agreed exceptions after saving')

    const provider = await signedIn(providerManager.email)
    await navigateBy(provider, () => provider.goto(`${server.baseUrl}/locations/${home.id}/returns/new`))
    expect(await textOf(provider.locator('.govuk-inset-text').first())).toContain(
      'Agreed with the council: Due 2 hours later than usual',
    )
    await expectNoAxeViolations(provider, 'return form with an agreed exception')
  })

  it('a provider manager says a location has nothing to report this period', async () => {
    const home = homes[0]!
    const page = await signedIn(providerManager.email)
    await navigateBy(page, () => page.goto(`${server.baseUrl}/locations/${home.id}/returns/new`))
    await navigateBy(page, () => page.locator('#nothing-to-report').click())
    expect(await headingText(page)).toMatch(/^Nothing to report for /)
    await expectNoAxeViolations(page, 'nothing to report')

    const refused = await navigateBy(page, () =>
      page.getByRole('button', { name: 'Send: nothing to report' }).click(),
    )
    expect(refused.status()).toBe(400)
    expect(await textOf(page.locator('.govuk-error-summary'))).toContain(
      'Select why there is nothing to report',
    )
    await expectNoAxeViolations(page, 'nothing to report with an error')

    await page.getByLabel('Temporarily closed').check()
    await page.locator('#nilDetails').fill('Closed for refurbishment until next month')
    // Already reported today (the demo's returns): changing it needs a reason.
    if (await page.locator('#amendmentReason').count())
      await page.locator('#amendmentReason').fill('The home closed this morning')
    await navigateBy(page, () => page.getByRole('button', { name: 'Send: nothing to report' }).click())
    expect(await textOf(page.locator('.govuk-panel__title'))).toBe('Return sent')
    const main = await textOf(page.locator('main'))
    expect(main).toContain('Nothing to report')
    expect(main).toContain('Temporarily closed')
    expect(main).not.toContain('Not reported')
    await expectNoAxeViolations(page, 'nil return sent')
  })
})
