import net from 'node:net'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { demoCouncil } from '../src/db/seed/demo-county.ts'
import {
  startTestIdentityProvider,
  type TestIdentityProvider,
} from '../test/support/test-identity-provider.ts'
import {
  chromiumAvailable,
  expectNoAxeViolations,
  headingText,
  launchBrowser,
  navigateBy,
  warnIfBrowserMissing,
} from './support/browser.ts'
import { type E2eServer, startServer } from './support/server.ts'

warnIfBrowserMissing('single-sign-on.spec.ts')

// A free port, so that the app's BASE_URL (its redirect URI at the provider) is known before it starts.
async function freePort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as net.AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

// Issue 26, acceptance 6: a council officer signs in through their council's own identity provider (a
// real OpenID Connect provider on loopback, set by SSO_* variables), and signs out of both.
describe.skipIf(!chromiumAvailable)('single sign-on in a real browser', () => {
  let server: E2eServer
  let idp: TestIdentityProvider
  let browser: Browser

  beforeAll(async () => {
    const port = await freePort()
    const baseUrl = `http://127.0.0.1:${port}`
    idp = await startTestIdentityProvider({
      clientId: 'carehub',
      clientSecret: 'e2e-client-secret',
      redirectUri: `${baseUrl}/sign-in/organisation-account/callback`,
      postLogoutRedirectUri: `${baseUrl}/sign-in?signedOut=1`,
      people: {
        olivia: {
          email: 'olivia@northmoor-sso.example',
          name: 'Olivia Officer',
          groups: ['carehub-officers'],
        },
      },
    })
    server = await startServer({
      port,
      env: {
        BASE_URL: baseUrl,
        SSO_ORGANISATION_ONS_CODE: demoCouncil.onsCode,
        SSO_ISSUER: idp.issuer,
        SSO_CLIENT_ID: 'carehub',
        SSO_CLIENT_SECRET: 'e2e-client-secret',
        SSO_GROUP_ROLES: 'carehub-officers=council_officer',
      },
    })
    browser = await launchBrowser()
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
    await idp?.close()
  })

  it('signs in at the council’s provider, lands home as a council officer, and signs out of both', async () => {
    const page = await browser.newPage()
    await page.goto(`${server.baseUrl}/sign-in`)
    await navigateBy(page, () =>
      page.getByRole('link', { name: 'sign in with your organisation’s account' }).click(),
    )
    expect(await headingText(page)).toBe('Sign in with your organisation’s account')
    await expectNoAxeViolations(page, 'choose your organisation')
    // The provider's own (development) sign-in page, then its consent page.
    await navigateBy(page, () => page.getByRole('link', { name: demoCouncil.name }).click())
    expect(page.url().startsWith(idp.issuer)).toBe(true)
    await page.locator('input[name="login"]').fill('olivia')
    await page.locator('input[name="password"]').fill('any password')
    await navigateBy(page, () => page.getByRole('button', { name: 'Sign-in' }).click())
    const home = await navigateBy(page, () => page.getByRole('button', { name: 'Continue' }).click())
    expect(home.status()).toBe(200)
    expect(new URL(page.url()).pathname).toBe('/')
    expect(await headingText(page)).toBe('Welcome, Olivia Officer')
    const user = await server.services.db
      .selectFrom('users')
      .select(['role'])
      .where('email', '=', 'olivia@northmoor-sso.example')
      .executeTakeFirstOrThrow()
    expect(user.role).toBe('council_officer')

    // Signing out offers the provider's sign-out too, which asks, then comes back.
    await navigateBy(page, () => page.getByRole('button', { name: 'Sign out', exact: true }).click())
    expect(await headingText(page)).toBe('You have signed out of CareHub')
    await expectNoAxeViolations(page, 'signed out of CareHub')
    await navigateBy(page, () =>
      page.getByRole('button', { name: 'Sign out of your organisation’s account' }).click(),
    )
    expect(page.url().startsWith(idp.issuer)).toBe(true)
    await navigateBy(page, () => page.getByRole('button', { name: /yes/i }).click())
    expect(page.url()).toBe(`${server.baseUrl}/sign-in?signedOut=1`)
    expect(await page.locator('.govuk-notification-banner').textContent()).toContain('You have signed out.')
  })
})
