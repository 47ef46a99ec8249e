import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { demoCouncil, demoPassword, demoUsers } from '../src/db/seed/demo-county.ts'
import { importStatusTags, waitForImportSaved } from './pages/cqc-import.page.ts'
import {
  historyRows,
  nothingChangedLink,
  notSent,
  statusOf,
  summaryAnswers,
  textOf,
  textsOf,
  yourReturns,
} from './pages/returns.page.ts'
import { SignInPage } from './pages/sign-in.page.ts'
import {
  chromiumAvailable,
  headingText,
  launchBrowser,
  navigateBy,
  serviceNavigation,
  warnIfBrowserMissing,
} from './support/browser.ts'
import { type E2eServer, startServer } from './support/server.ts'

warnIfBrowserMissing('no-javascript.spec.ts')

const admin = demoUsers.find((u) => u.role === 'admin')!
const providerManager = demoUsers.find((u) => u.role === 'provider_manager')!
const firstRowLink = '#main-content table.govuk-table tbody a.govuk-link'
const cqcDirectoryCsv = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../test/fixtures/cqc/cqc_directory_head_2025.csv',
)

// Every page must work as plain HTML: JavaScript is only an enhancement.
describe.skipIf(!chromiumAvailable)('the service without JavaScript', () => {
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
      viewport: { width: 1280, height: 900 },
    })
    const page = await context.newPage()
    const signIn = new SignInPage(page, server.baseUrl)
    expect((await signIn.open())?.status()).toBe(200)
    const home = await signIn.signIn(email, demoPassword)
    expect(home.status()).toBe(200)
    expect(new URL(page.url()).pathname).toBe('/')
    // Proof that the enhancement really did not run.
    expect(await page.locator('body.js-enabled').count()).toBe(0)
    return { context, page }
  }

  async function walkNavigation(page: Page) {
    const navigation = await serviceNavigation(page)
    expect(navigation.length).toBeGreaterThan(1)
    for (const item of navigation) {
      const link = page.locator(`.govuk-service-navigation__item a[href="${item.href}"]`)
      await expect(link.isVisible(), `${item.text} is visible without the menu script`).resolves.toBe(true)
      const response = await navigateBy(page, () => link.click())
      expect(response.status(), item.href).toBe(200)
      expect(new URL(page.url()).pathname).toBe(item.href)
      await expect(page.locator('h1').first().isVisible()).resolves.toBe(true)
      expect(await headingText(page), `h1 of ${item.href}`).not.toBe('')
    }
  }

  async function searchLocations(page: Page) {
    await page.goto(url('/locations'))
    const name = ((await page.locator(firstRowLink).first().textContent()) ?? '').trim()
    expect(name).not.toBe('')
    await page.locator('#search').fill(name)
    const found = await navigateBy(page, () => page.getByRole('button', { name: 'Apply filters' }).click())
    expect(found.status()).toBe(200)
    expect(new URL(page.url()).searchParams.get('search')).toBe(name)
    await expect(page.locator('#search').inputValue()).resolves.toBe(name)
    const names = await page.locator(firstRowLink).allTextContents()
    expect(names.map((n) => n.trim())).toContain(name)

    await page.locator('#search').fill('zzz-no-such-location')
    await navigateBy(page, () => page.getByRole('button', { name: 'Apply filters' }).click())
    await expect(page.locator('#main-content').textContent()).resolves.toContain(
      'No locations match these filters.',
    )
  }

  // Opens a page by a link or a button and checks it loads with its heading.
  async function follow(page: Page, action: () => Promise<unknown>, heading: string | RegExp) {
    const response = await navigateBy(page, action)
    expect(response.status(), page.url()).toBe(200)
    await expect(page.locator('h1').first().isVisible()).resolves.toBe(true)
    expect(await headingText(page), `h1 of ${page.url()}`).toMatch(heading)
  }

  // The provider directory and the CQC import, all plain forms and links.
  async function walkDirectory(page: Page) {
    await page.goto(url('/locations'))
    await page.locator('#serviceType').selectOption('home_care')
    await follow(page, () => page.getByRole('button', { name: 'Apply filters' }).click(), 'Locations')
    expect(new URL(page.url()).searchParams.get('serviceType')).toBe('home_care')
    const types = await page
      .locator('#main-content table.govuk-table tbody tr td:nth-child(2)')
      .allTextContents()
    expect(types.length).toBeGreaterThan(0)
    expect(new Set(types.map((t) => t.trim()))).toEqual(new Set(['Home care agency']))

    const first = page.locator(firstRowLink).first()
    const name = ((await first.textContent()) ?? '').trim()
    await follow(page, () => first.click(), name)
    expect(new URL(page.url()).pathname).toMatch(/^\/locations\/[0-9a-f-]{36}$/)

    await page.goto(url('/imports'))
    expect(await headingText(page)).toBe('CQC imports')
    await follow(
      page,
      () => page.getByRole('button', { name: 'Import a CQC file' }).click(),
      'Import a CQC file',
    )
    expect(new URL(page.url()).pathname).toBe('/imports/new')

    // The upload is a plain multipart form: it needs no script.
    await page.setInputFiles('#file', cqcDirectoryCsv)
    await page.getByRole('radio', { name: `Only locations in ${demoCouncil.name}` }).check()
    await follow(
      page,
      () => page.getByRole('button', { name: 'Check the file' }).click(),
      path.basename(cqcDirectoryCsv),
    )
    expect(new URL(page.url()).pathname).toMatch(/^\/imports\/[0-9a-f-]{36}$/)
    expect(await importStatusTags(page)).toEqual(['Waiting for you to confirm'])
    await follow(
      page,
      () => page.getByRole('button', { name: 'Save these changes' }).click(),
      path.basename(cqcDirectoryCsv),
    )
    expect(await waitForImportSaved(page), 'status tags within 20 s of saving').toContain('Saved')

    await page.goto(url('/imports'))
    await expect(page.locator('#main-content tbody').textContent()).resolves.toContain(
      path.basename(cqcDirectoryCsv),
    )
  }

  // Who has reported: the officers' returns page, and its period chooser, a plain GET form.
  async function walkReturns(page: Page) {
    const response = await page.goto(url('/returns/completeness'))
    expect(response?.status()).toBe(200)
    expect(await headingText(page)).toBe('Who has reported')
    await page.locator('#frequency').selectOption('weekly')
    await follow(page, () => page.getByRole('button', { name: 'Show' }).click(), 'Who has reported')
    expect(new URL(page.url()).searchParams.get('frequency')).toBe('weekly')
    await expect(page.locator('#frequency').inputValue()).resolves.toBe('weekly')
  }

  async function signOut(page: Page) {
    const response = await navigateBy(page, () =>
      page.getByRole('button', { name: 'Sign out', exact: true }).click(),
    )
    expect(response.status()).toBe(200)
    expect(new URL(page.url()).pathname).toBe('/sign-in')
    await expect(page.locator('.govuk-notification-banner').textContent()).resolves.toContain(
      'You have signed out.',
    )
  }

  it('an admin signs in, opens every section, searches, imports a CQC file, invites a user and signs out', async () => {
    const { context, page } = await signedIn(admin.email)
    try {
      await walkNavigation(page)
      await searchLocations(page)
      await walkDirectory(page)
      await walkReturns(page)

      // Choosing the organisation is a server round-trip that brings back the roles it allows.
      await page.goto(url('/admin/users/invite'))
      expect(await page.getByRole('radio').count()).toBe(0)
      const council = page.locator('#organisationId option', { hasText: demoCouncil.name }).first()
      await page.locator('#organisationId').selectOption((await council.getAttribute('value'))!)
      const roles = await navigateBy(page, () => page.getByRole('button', { name: 'Continue' }).click())
      expect(roles.status()).toBe(200)
      expect(await page.getByRole('radio').count()).toBeGreaterThan(0)
      await expect(page.locator('#organisationId').inputValue()).resolves.toBe(
        await council.getAttribute('value'),
      )

      const email = `e2e-nojs-${Date.now()}@northmoor.example`
      await page.locator('#displayName').fill('Nadia No-Script')
      await page.locator('#email').fill(email)
      await page.getByRole('radio', { name: 'Viewer (read only)' }).check()
      const sent = await navigateBy(page, () => page.getByRole('button', { name: 'Send invitation' }).click())
      expect(sent.status()).toBe(200)
      await expect(page.locator('.govuk-notification-banner--success').textContent()).resolves.toContain(
        `Invitation sent to ${email}`,
      )

      await signOut(page)
    } finally {
      await context.close()
    }
  })

  it('a provider manager signs in, opens every section, searches and signs out', async () => {
    const { context, page } = await signedIn(providerManager.email)
    try {
      expect((await serviceNavigation(page)).map((n) => n.text)).toEqual([
        'Home',
        'Your locations',
        'PPE requests',
        'API tokens',
        'Bulletins',
        'Letters',
        'Surveys',
        'Resource pack',
        'Events',
        'Ask a question',
        'FAQ',
        'Check your figures',
      ])
      await walkNavigation(page)
      await searchLocations(page)
      await signOut(page)
    } finally {
      await context.close()
    }
  })

  it('a provider manager sends “nothing changed” for one location', async (test) => {
    const { context, page } = await signedIn(providerManager.email)
    try {
      const rows = await yourReturns(page)
      const row = rows.find((r) => r.canRepeat && notSent(r))
      if (!row) {
        console.warn(`no location of ${providerManager.email} is left to repeat: ${JSON.stringify(rows)}`)
        test.skip()
        return
      }
      await follow(page, () => nothingChangedLink(page, row.id).click(), /^Has anything changed since /)
      expect(new URL(page.url()).pathname).toBe(`/locations/${row.id}/returns/nothing-changed`)
      const repeated = await summaryAnswers(page)
      await follow(
        page,
        () => page.getByRole('button', { name: 'Nothing has changed: send these figures' }).click(),
        'Return sent', // The panel's title is the page's first h1.
      )
      expect(new URL(page.url()).pathname).toMatch(/^\/returns\/[0-9a-f-]{36}$/)
      await expect(textOf(page.locator('.govuk-panel__title'))).resolves.toBe('Return sent')
      await expect(textsOf(page.locator('h2'))).resolves.toContain(`Return for ${row.period}`)
      const sent = await summaryAnswers(page)
      expect(sent.get('How')).toBe('web, nothing changed')
      for (const [question, answer] of repeated) expect.soft(sent.get(question), question).toBe(answer)

      await follow(
        page,
        () => page.getByRole('link', { name: 'All returns from this location' }).click(),
        'Returns',
      )
      expect((await historyRows(page))[0]).toMatchObject({ period: row.period, how: 'web, nothing changed' })
      await page.goto(url('/'))
      expect(await statusOf(page, row.id)).toMatch(/^Sent( late)?$/)
    } finally {
      await context.close()
    }
  })
})
