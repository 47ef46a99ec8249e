import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { demoCouncil } from '../src/db/seed/demo-county.ts'
import { appCodeAt } from '../src/modules/access/index.ts'
import { createUser, testPassword } from '../test/support/factories.ts'
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
import { e2eCookieSecret } from './support/global-setup.ts'
import { type E2eServer, startServer, twoStepCode } from './support/server.ts'

warnIfBrowserMissing('two-step.spec.ts')

// Issue 26, acceptance 6: an admin without two-step sign-in set up cannot reach admin pages. They are
// sent to set it up, add the key to their app (here: the code computed from the key the page shows),
// save their recovery codes, and only then reach the users page; then they get new recovery codes.
describe.skipIf(!chromiumAvailable)('two-step sign-in in the browser', () => {
  let server: E2eServer
  let browser: Browser
  let page: Page

  beforeAll(async () => {
    server = await startServer()
    browser = await launchBrowser()
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage()
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  it('sends a new admin to set it up, then lets them reach the users page', async () => {
    const db = server.services.db
    const council = await db
      .selectFrom('organisations')
      .select('id')
      .where('name', '=', demoCouncil.name)
      .executeTakeFirstOrThrow()
    const admin = await createUser(db, council.id, 'admin', 'new.admin@northmoor.example', {
      twoStep: false,
      cookieSecret: e2eCookieSecret,
    })
    const signIn = new SignInPage(page, server.baseUrl)
    await signIn.open()
    await signIn.signIn(admin.email, testPassword)
    expect(await headingText(page)).toBe('Set up two-step sign-in')
    await navigateBy(page, () => page.goto(`${server.baseUrl}/admin/users`))
    expect(await headingText(page), 'admin pages wait for two-step sign-in').toBe('Set up two-step sign-in')
    await expectNoAxeViolations(page, 'set up two-step sign-in')
    await expectFitsPhoneWidth(page, 'set up two-step sign-in')
    expect(await page.locator('.carehub-qr-code svg').count()).toBe(1)

    await page.locator('#code').fill('12')
    const refused = await navigateBy(page, () => page.getByRole('button', { name: 'Continue' }).click())
    expect(refused.status()).toBe(400)
    await expectNoAxeViolations(page, 'set up two-step sign-in with an error')

    const key = ((await page.locator('#two-step-key').textContent()) ?? '').replace(/\s/g, '')
    await page.locator('#code').fill(await appCodeAt(key, server.services.clock.now()))
    await navigateBy(page, () => page.getByRole('button', { name: 'Continue' }).click())
    expect(await headingText(page)).toBe('Save your recovery codes')
    expect(await page.locator('#recovery-codes li').count()).toBe(10)
    await expectNoAxeViolations(page, 'recovery codes')
    await expectFitsPhoneWidth(page, 'recovery codes')

    await navigateBy(page, () => page.getByRole('button', { name: 'I have saved these codes' }).click())
    await navigateBy(page, () => page.goto(`${server.baseUrl}/admin/users`))
    expect(await headingText(page)).toBe('Users')
    await navigateBy(page, () => page.getByRole('link', { name: 'Two-step sign-in' }).click())
    expect(await headingText(page)).toBe('Two-step sign-in')
    await expectNoAxeViolations(page, 'two-step sign-in')

    // New recovery codes in place of these: a wrong code is refused, one from the app gives them.
    await navigateBy(page, () => page.getByRole('link', { name: 'get new recovery codes' }).click())
    expect(await headingText(page)).toBe('Get new recovery codes')
    await expectNoAxeViolations(page, 'get new recovery codes')
    await expectFitsPhoneWidth(page, 'get new recovery codes')
    const getNewCodes = () => page.getByRole('button', { name: 'Get new recovery codes' }).click()
    await page.locator('#code').fill('000000')
    expect((await navigateBy(page, getNewCodes)).status()).toBe(400)
    await expectNoAxeViolations(page, 'get new recovery codes with an error')
    await page.locator('#code').fill(await twoStepCode(server.baseUrl, admin.email, key))
    await navigateBy(page, getNewCodes)
    expect(await headingText(page)).toBe('Save your recovery codes')
    expect(await page.locator('#recovery-codes li').count()).toBe(10)
    await expectNoAxeViolations(page, 'new recovery codes')
    await expectFitsPhoneWidth(page, 'new recovery codes')
  })
})
