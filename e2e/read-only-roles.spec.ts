import { load } from 'cheerio'
import type { APIRequestContext, Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, type ExpectStatic, it } from 'vitest'
import { demoPassword, demoUsers } from '../src/db/seed/demo-county.ts'
import type { OrganisationKind, Role } from '../src/domain/roles.ts'
import { audienceOf, whatEachRoleSees } from '../src/domain/what-each-role-sees.ts'
import { SignInPage } from './pages/sign-in.page.ts'
import {
  chromiumAvailable,
  expectNoAxeViolations,
  launchBrowser,
  serviceNavigation,
  warnIfBrowserMissing,
} from './support/browser.ts'
import { sameOriginLinks } from './support/demo-seats.ts'
import { type E2eServer, startServer } from './support/server.ts'

warnIfBrowserMissing('read-only-roles.spec.ts')

// Issue 18, acceptance 4: each read-only role gets exactly the links it can follow. Signed in as each,
// this walks every page it can reach from home, following every same-origin link (GET), and fails on
// any that answers 403 or 404 (or worse). What the role should and should not be offered comes from the
// table the README shows ("What each role sees", src/domain/what-each-role-sees.ts).
//
// To stay fast the pages are fetched with the context's request client (the session's cookies, no
// rendering), and links are deduplicated by their shape: ids and numbers are wildcards, so the 200
// locations' pages count as one kind of page, of which a few are opened.
const readOnlyUsers = [
  { label: 'the board viewer', email: 'viewer@northmoor.example' },
  { label: 'Healthwatch', email: 'lead@healthwatch-northmoor.example' },
  { label: 'the regional viewer', email: 'region@adass-north.example' },
] as const

// Opened (and read for more links) per shape of link; the rest of that shape are not requested. One:
// two doubled the walk (about a minute of the suite's CPU), and the integration suite's route table
// checks every route's answer for every role (test/integration/route-access.db.test.ts).
const perShape = 1
// Enough for every kind of page a read-only role reaches, with room to spare; a runaway walk fails.
const maxRequests = 600

const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi
const shapeOf = (url: URL) => `${url.pathname}${url.search}`.replace(uuid, ':id').replace(/\d+/g, ':n')

// What the demo county's organisations are, by the user's e-mail (the seed names them).
const organisationKinds: Record<string, OrganisationKind> = {
  council: 'council',
  healthwatch: 'healthwatch',
  region: 'region',
}

type Walk = { visited: Map<string, number>; failures: string[]; hrefs: Set<string> }

async function walk(request: APIRequestContext, start: string[]): Promise<Walk> {
  const visited = new Map<string, number>()
  const shapes = new Map<string, number>()
  const failures: string[] = []
  const hrefs = new Set<string>()
  const queue: { url: string; from: string }[] = start.map((url) => ({ url, from: 'home' }))
  while (queue.length) {
    const { url, from } = queue.shift()!
    if (visited.has(url)) continue
    const shape = shapeOf(new URL(url))
    if ((shapes.get(shape) ?? 0) >= perShape) continue
    shapes.set(shape, (shapes.get(shape) ?? 0) + 1)
    if (visited.size >= maxRequests) {
      failures.push(`more than ${maxRequests} pages: stopped at ${url}`)
      break
    }
    const response = await request.get(url, { timeout: 60_000, maxRedirects: 5 })
    visited.set(url, response.status())
    if (response.status() >= 400) {
      failures.push(
        `${response.status()} ${new URL(url).pathname}${new URL(url).search} (linked from ${from})`,
      )
      continue
    }
    if (!(response.headers()['content-type'] ?? '').startsWith('text/html')) continue
    const $ = load(await response.text())
    for (const target of sameOriginLinks($, url)) {
      hrefs.add(`${target.pathname}${target.search}`)
      if (!visited.has(target.toString())) queue.push({ url: target.toString(), from: new URL(url).pathname })
    }
  }
  return { visited, failures, hrefs: new Set(hrefs) }
}

describe.skipIf(!chromiumAvailable)('read-only roles follow only links that work', () => {
  let server: E2eServer
  let browser: Browser

  beforeAll(async () => {
    ;[server, browser] = await Promise.all([startServer(), launchBrowser()])
  })

  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  async function everyLinkWorks(email: string, expect: ExpectStatic) {
    const user = demoUsers.find((u) => u.email === email)!
    const kind = organisationKinds[user.organisation] ?? 'other_partner'
    const sees = whatEachRoleSees[audienceOf({ role: user.role as Role, organisationKind: kind })]
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
    try {
      const page = await context.newPage()
      const signIn = new SignInPage(page, server.baseUrl)
      await signIn.open()
      expect((await signIn.signIn(email, demoPassword)).status()).toBe(200)
      await expectNoAxeViolations(page, `home as ${email}`, expect)

      // The menu offers the worklist exactly when the table lets the role read cases.
      const menu = (await serviceNavigation(page)).map((n) => n.text)
      if (sees.cases === 'none') expect(menu).not.toContain('Worklist')
      else expect(menu).toContain('Worklist')

      const { visited, failures, hrefs } = await walk(context.request, [page.url()])
      expect(failures, `links that do not work for ${email}`).toEqual([])
      // It really walked the site: locations, their pages and their returns at least.
      expect(visited.size, 'pages walked').toBeGreaterThan(20)
      const linked = [...hrefs]
      expect(linked.some((h) => /^\/locations\/[0-9a-f-]{36}$/.test(h))).toBe(true)
      expect(
        linked.some((h) => /^\/returns\/[0-9a-f-]{36}$/.test(h)),
        'a return',
      ).toBe(true)

      // What the table says the role is not offered is never linked.
      if (sees.returns !== 'report')
        expect(
          linked.filter((h) => /\/returns\/new$|\/amend$/.test(h)),
          'report or correct',
        ).toEqual([])
      if (sees.contactLog === 'none') expect(linked.filter((h) => h.includes('contact-log'))).toEqual([])
      if (sees.cases === 'none') expect(linked.filter((h) => /^\/(cases|worklist)\b/.test(h))).toEqual([])
      else
        expect(
          linked.some((h) => /^\/cases\/[0-9a-f-]{36}$/.test(h)),
          'a case',
        ).toBe(true)

      // And what it is refused by address is refused, not merely hidden.
      const location = linked.find((h) => /^\/locations\/[0-9a-f-]{36}$/.test(h))!
      const refused = await context.request.get(new URL(`${location}/contact-log`, server.baseUrl).toString())
      if (sees.contactLog === 'none') expect(refused.status(), 'the contact log by address').toBe(404)
      const report = await context.request.get(new URL(`${location}/returns/new`, server.baseUrl).toString())
      if (sees.returns !== 'report') expect(report.status(), 'report for today by address').toBe(404)
    } finally {
      await context.close()
    }
  }

  for (const user of readOnlyUsers)
    it(`${user.label} (${user.email}): every link on every page it reaches works`, async ({ expect }) => {
      await everyLinkWorks(user.email, expect)
    }, 300_000)
})
