import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, type ExpectStatic, it } from 'vitest'
import { demoCouncil, demoPassword, demoUsers } from '../src/db/seed/demo-county.ts'
import { SignInPage } from './pages/sign-in.page.ts'
import {
  chromiumAvailable,
  expectFitsPhoneWidth,
  expectNoAxeViolations,
  headingText,
  launchBrowser,
  navigateBy,
  serviceNavigation,
  warnIfBrowserMissing,
} from './support/browser.ts'
import { oneDemoUserPerSeat } from './support/demo-seats.ts'
import { type E2eServer, startServer } from './support/server.ts'

warnIfBrowserMissing('roles.spec.ts')

type DemoUser = (typeof demoUsers)[number]

// Written out here, not derived from src/, so that a change to who sees what fails this test.
// Containment, not equality, so that a new section for some roles does not break every role.
const adminOnly = ['Users', 'Organisations', 'Audit', 'Outbox']
const importers: readonly string[] = ['admin', 'council_officer']

function expectRightNavigation(expect: ExpectStatic, role: DemoUser['role'], texts: string[]) {
  expect(texts[0], 'the first navigation item').toBe('Home')
  if (role === 'admin') expect(texts).toEqual(expect.arrayContaining(['Locations', ...adminOnly]))
  else for (const text of adminOnly) expect(texts, `${role} must not see ${text}`).not.toContain(text)
  if (importers.includes(role)) expect(texts).toContain('CQC imports')
  else expect(texts, `${role} must not see CQC imports`).not.toContain('CQC imports')
  if (role === 'provider_manager') {
    expect(texts).toContain('Your locations')
    expect(texts).not.toContain('Locations')
  } else {
    expect(texts).toContain('Locations')
  }
}

// List pages whose first row we open, to check a detail page of each kind.
const listPages = ['/locations', '/admin/users', '/admin/organisations', '/admin/audit']
const firstRowLink = '#main-content table.govuk-table tbody a.govuk-link'
const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i

const admin = demoUsers.find((u) => u.role === 'admin')!
// One demo user of each role in each organisation walks the pages (oneDemoUserPerSeat): the county's
// second finance officer sits in the same council with the same role and sees what the first does (half
// a minute of the suite's CPU); partners' officers in different organisations each walk.
const providerManager = demoUsers.find((u) => u.email === 'manager@meadowcare.example')!
const screenshotDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'screenshots')
// Two lanes for two cores (a third was no faster). A role's pages take 20–50 s, longer while other files
// run beside this one, hence the longer timeout than the project's.
const lanes = 2
const timeout = 240_000

describe.skipIf(!chromiumAvailable)('every demo role in a real browser', () => {
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
  const viewport = { width: 1280, height: 900 }

  // The tests below that only need to be signed in share one sign-in per user (its cookies), instead of
  // going through the form each time. The role tests sign in (and out) through the form themselves.
  type StorageState = Awaited<ReturnType<BrowserContext['storageState']>>
  const sessions = new Map<string, Promise<StorageState>>()

  function sessionOf(email: string, expect: ExpectStatic): Promise<StorageState> {
    let session = sessions.get(email)
    if (!session) {
      session = (async () => {
        const context = await browser.newContext({ viewport })
        try {
          const page = await context.newPage()
          const signIn = new SignInPage(page, server.baseUrl)
          await signIn.open()
          const response = await signIn.signIn(email, demoPassword)
          expect(response.status(), `sign-in as ${email}`).toBe(200)
          expect(new URL(page.url()).pathname).toBe('/')
          return await context.storageState()
        } finally {
          await context.close()
        }
      })()
      sessions.set(email, session)
    }
    return session
  }

  async function signedInPage(email: string, expect: ExpectStatic) {
    const context = await browser.newContext({ viewport, storageState: await sessionOf(email, expect) })
    const page = await context.newPage()
    return { context, page }
  }

  async function hrefsOf(page: Page, selector: string): Promise<string[]> {
    return page.locator(selector).evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''))
  }

  // Axe checks each distinct page once: by the first walk to reach its main content (a digest of its
  // HTML, the form token aside), and each role's home page, which carries that role's header and
  // navigation. Roles share much of their pages' content, and axe was most of this suite's time.
  // Whether each page fits a phone is phone-width.spec.ts's walk, which reaches every page of every
  // seat a link leads to; the error pages, which no link leads to, are checked for it here.
  const checkedContent = new Set<string>()
  async function axeOnce(page: Page, label: string, expect: ExpectStatic, always = false, phone = false) {
    const main = await page.evaluate(() => {
      const copy = document.querySelector('main')?.cloneNode(true) as HTMLElement | undefined
      for (const token of Array.from(copy?.querySelectorAll('input[name="_csrf"]') ?? [])) token.remove()
      return copy?.outerHTML ?? document.body.outerHTML
    })
    const content = createHash('sha256').update(main).digest('hex')
    if (checkedContent.has(content) && !always) return
    checkedContent.add(content)
    await expectNoAxeViolations(page, label, expect)
    if (phone) await expectFitsPhoneWidth(page, label, expect)
  }

  async function everyPageOfRole(user: DemoUser, expect: ExpectStatic) {
    const context = await browser.newContext({ viewport })
    try {
      const page = await context.newPage()
      const signIn = new SignInPage(page, server.baseUrl)
      expect((await signIn.open())?.status()).toBe(200)
      await axeOnce(page, 'sign-in', expect)

      const home = await signIn.signIn(user.email, demoPassword)
      expect(home.status()).toBe(200)
      expect(new URL(page.url()).pathname).toBe('/')
      expect(await headingText(page)).toBe(`Welcome, ${user.displayName}`)
      await axeOnce(page, `home as ${user.role}`, expect, true)

      const navigation = await serviceNavigation(page)
      expectRightNavigation(
        expect,
        user.role,
        navigation.map((n) => n.text),
      )

      for (const item of navigation) {
        const link = page.locator(`.govuk-service-navigation__item a[href="${item.href}"]`)
        const response = await navigateBy(page, () => link.click())
        expect(response.status(), item.href).toBe(200)
        expect(await headingText(page), `h1 of ${item.href}`).not.toBe('')
        // The current section is marked for screen readers, not only by colour.
        await expect
          .soft(page.locator('.govuk-service-navigation__item a[aria-current]').textContent())
          .resolves.toContain(item.text)
        await axeOnce(page, `${item.text} as ${user.role}`, expect)

        if (!listPages.includes(item.href)) continue
        const first = page.locator(firstRowLink).first()
        expect(await first.count(), `${item.href} lists at least one row for ${user.role}`).toBe(1)
        const detail = await navigateBy(page, () => first.click())
        expect(detail.status(), `first row of ${item.href}`).toBe(200)
        expect(await headingText(page)).not.toBe('')
        const label = `first row of ${item.text} as ${user.role}`
        await axeOnce(page, label, expect)

        if (item.href === '/locations') {
          // A location links to its provider: check that page too.
          const provider = page.locator('#main-content .govuk-caption-l a.govuk-link')
          const providerPage = await navigateBy(page, () => provider.click())
          expect(providerPage.status(), 'provider page').toBe(200)
          await axeOnce(page, `provider page as ${user.role}`, expect)
        }
      }

      for (const href of ['/accessibility', '/cookies', '/privacy']) {
        const response = await page.goto(url(href))
        expect(response?.status(), href).toBe(200)
        expect(await headingText(page)).not.toBe('')
        await axeOnce(page, `${href} as ${user.role}`, expect)
      }

      const missing = await page.goto(url('/no-such-page'))
      expect(missing?.status()).toBe(404)
      expect(await headingText(page)).toBe('Page not found')
      await axeOnce(page, `404 page as ${user.role}`, expect, false, true)

      if (!importers.includes(user.role)) {
        const refused = await page.goto(url('/imports/new'))
        expect(refused?.status(), `/imports/new as ${user.role}`).toBe(403)
      }

      if (user.role !== 'admin') {
        // Pages missing from the navigation are refused too, not merely hidden.
        const refused = await page.goto(url('/admin/users'))
        expect(refused?.status()).toBe(403)
        expect(await headingText(page)).toBe('You cannot do that')
        await axeOnce(page, `403 page as ${user.role}`, expect, false, true)
      }

      await page.goto(url('/'))
      const signedOut = await navigateBy(page, () =>
        page.getByRole('button', { name: 'Sign out', exact: true }).click(),
      )
      expect(signedOut.status()).toBe(200)
      expect(new URL(page.url()).pathname).toBe('/sign-in')
      expect(await headingText(page)).toBe('Sign in to CareHub')
      await expect(page.locator('.govuk-notification-banner').textContent()).resolves.toContain(
        'You have signed out.',
      )
      // The session is really gone: home sends us back to sign in.
      await page.goto(url('/'))
      expect(new URL(page.url()).pathname).toBe('/sign-in')
    } finally {
      await context.close()
    }
  }

  async function providerManagerGets404ForOthers(expect: ExpectStatic) {
    const [asAdmin, asManager] = await Promise.all([
      signedInPage(admin.email, expect),
      signedInPage(providerManager.email, expect),
    ])
    try {
      await asAdmin.page.goto(url('/admin/users'))
      const userHrefs = await hrefsOf(asAdmin.page, firstRowLink)
      const otherUsers = userHrefs.filter((h) => uuid.test(h))
      expect(otherUsers.length).toBeGreaterThan(1)
      await asAdmin.page.goto(url('/admin/organisations'))
      const organisation = (await hrefsOf(asAdmin.page, firstRowLink))[0]!
      await asAdmin.page.goto(url('/admin/audit'))
      const auditRecord = (await hrefsOf(asAdmin.page, firstRowLink))[0]!
      await asAdmin.page.goto(url('/locations'))
      const councilLocations = await hrefsOf(asAdmin.page, firstRowLink)
      await asManager.page.goto(url('/locations'))
      const ownLocations = new Set(await hrefsOf(asManager.page, firstRowLink))
      expect(ownLocations.size).toBeGreaterThan(0)
      const someoneElsesLocation = councilLocations.find((h) => !ownLocations.has(h))
      expect(someoneElsesLocation).toBeDefined()

      const forbiddenToManager = [
        ...otherUsers.slice(0, 2),
        `${otherUsers[0]}/edit`,
        organisation,
        auditRecord,
        someoneElsesLocation!,
      ]
      for (const href of forbiddenToManager) {
        const response = await asManager.page.goto(url(href))
        expect.soft(response?.status(), href).toBe(404)
        await expect
          .soft(asManager.page.locator('#main-content').textContent(), href)
          .resolves.toContain('Page not found')
      }
    } finally {
      await asAdmin.context.close()
      await asManager.context.close()
    }
  }

  async function inviteWithNoOrganisation(expect: ExpectStatic) {
    const { context, page } = await signedInPage(admin.email, expect)
    try {
      await page.goto(url('/admin/users/invite'))
      await expectNoAxeViolations(page, 'invite a user', expect)
      // The only button on the empty form is Continue; pressing it must say what is missing.
      await navigateBy(page, () => page.getByRole('button', { name: 'Continue' }).click())
      const why =
        'Continue with no organisation selected should show an error summary linking to #organisationId'
      await expect(page.locator('.govuk-error-summary').count(), why).resolves.toBe(1)
      await expect(
        page.locator('.govuk-error-summary__list a[href="#organisationId"]').count(),
        why,
      ).resolves.toBe(1)
      await expectNoAxeViolations(page, 'invite a user, no organisation chosen', expect)
    } finally {
      await context.close()
    }
  }

  async function inviteWithErrorsThenSent(expect: ExpectStatic) {
    const { context, page } = await signedInPage(admin.email, expect)
    try {
      await page.goto(url('/admin/users/invite'))
      const council = page.locator('#organisationId option', { hasText: demoCouncil.name }).first()
      await page.locator('#organisationId').selectOption((await council.getAttribute('value'))!)
      await navigateBy(page, () => page.getByRole('button', { name: 'Continue' }).click())
      expect(await page.getByRole('radio').count()).toBeGreaterThan(0)

      // Send with nothing filled in: every problem is listed, linked and announced.
      const invalid = await navigateBy(page, () =>
        page.getByRole('button', { name: 'Send invitation' }).click(),
      )
      expect(invalid.status()).toBe(400)
      expect(await page.title()).toMatch(/^Error: /)
      const summary = page.locator('.govuk-error-summary')
      await expect(summary.count()).resolves.toBe(1)
      await expect(
        summary.evaluate((el) => el === document.activeElement || el.contains(document.activeElement)),
      ).resolves.toBe(true)
      const links = summary.locator('.govuk-error-summary__list a')
      const hrefs = await links.evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''))
      expect(hrefs).toEqual(['#email', '#displayName', '#role'])
      for (const [i, href] of hrefs.entries()) {
        await links.nth(i).focus()
        await expect(links.nth(i).evaluate((a) => a === document.activeElement)).resolves.toBe(true)
        // Following the link puts the cursor in the field it names.
        await links.nth(i).click()
        await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe(href.slice(1))
      }
      await expectNoAxeViolations(page, 'invite a user, with errors', expect)

      const email = `e2e-invitee-${Date.now()}@northmoor.example`
      await page.locator('#displayName').fill('Eve Tester')
      await page.locator('#email').fill(email)
      await page.getByRole('radio', { name: 'Council officer' }).check()
      const sent = await navigateBy(page, () => page.getByRole('button', { name: 'Send invitation' }).click())
      expect(sent.status()).toBe(200)
      expect(new URL(page.url()).pathname).toMatch(/^\/admin\/users\/[0-9a-f-]{36}$/)
      expect(await headingText(page)).toBe('Eve Tester')
      await expect(page.locator('.govuk-notification-banner--success').textContent()).resolves.toContain(
        `Invitation sent to ${email}`,
      )
      await expectNoAxeViolations(page, 'user page after invitation', expect)
    } finally {
      await context.close()
    }
  }

  async function screenshots(expect: ExpectStatic) {
    fs.mkdirSync(screenshotDir, { recursive: true })
    const { context, page } = await signedInPage(admin.email, expect)
    try {
      for (const [name, size] of [
        ['desktop', { width: 1280, height: 900 }],
        ['phone', { width: 390, height: 844 }],
      ] as const) {
        await page.setViewportSize(size)
        for (const [pageName, href] of [
          ['home', '/'],
          ['locations', '/locations'],
        ] as const) {
          await page.goto(url(href))
          const file = path.join(screenshotDir, `${pageName}-${name}.png`)
          await page.screenshot({ path: file, fullPage: true })
          expect(fs.statSync(file).size).toBeGreaterThan(10_000)
        }
      }
    } finally {
      await context.close()
    }
  }

  const checks: { name: string; run: (expect: ExpectStatic) => Promise<void> }[] = [
    ...oneDemoUserPerSeat.map((user) => ({
      name: `${user.role} ${user.email}: sees the right navigation, and every page opens and passes axe`,
      run: (expect: ExpectStatic) => everyPageOfRole(user, expect),
    })),
    {
      name: 'a provider manager gets 404 for records of other organisations',
      run: providerManagerGets404ForOthers,
    },
    {
      name: 'invite: Continue with no organisation chosen shows an error summary',
      run: inviteWithNoOrganisation,
    },
    {
      name: 'invite: the error summary is focused and links to each field, then the invitation is sent',
      run: inviteWithErrorsThenSent,
    },
    {
      name: 'saves full-page screenshots of home and locations at desktop and phone width',
      run: screenshots,
    },
  ]

  // The checks are independent (each in its own browser context), so they run in lanes side by side,
  // one after another within a lane: the browser, the server and axe keep both cores busy instead of one.
  // Each test uses the `expect` of its own context, so a soft failure is counted against the right test.
  for (let lane = 0; lane < lanes; lane++) {
    describe.concurrent(`lane ${lane + 1} of ${lanes}`, () => {
      for (const check of checks.filter((_, i) => i % lanes === lane)) {
        it.sequential(check.name, ({ expect }) => check.run(expect), timeout)
      }
    })
  }
})
