import { createHash } from 'node:crypto'
import { load } from 'cheerio'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { demoPassword } from '../src/db/seed/demo-county.ts'
import { SignInPage } from './pages/sign-in.page.ts'
import { chromiumAvailable, launchBrowser, phoneViewport, warnIfBrowserMissing } from './support/browser.ts'
import { oneDemoUserPerSeat, sameOriginLinks, seatOf } from './support/demo-seats.ts'
import { expectOnlyTheTablesLinks, readOnlyEmails } from './support/read-only-links.ts'
import { type E2eServer, startServer } from './support/server.ts'

warnIfBrowserMissing('phone-width.spec.ts')

// Issue 18, acceptance 1: every page each role can reach fits a 390 px phone. Signed in as one user of
// each role, on a phone-sized window, this follows every link from home (same origin, GET) and fails on
// any page wider than the window, naming what sticks out, and on any link that answers 400 or worse.
// For the read-only roles the same walk then holds the links offered to the role table (acceptance 4,
// support/read-only-links.ts). Axe runs on these pages in the other suites;
// here only the width is read, so the walk stays quick. Links that differ only by an id or a number
// are one kind of page, of which the first is opened (200 locations' pages look alike).
//
// Each page is first fetched without the browser (the session's cookies, no rendering) to read its
// links and its main content. The browser lays out a page only when that content is new: a page whose
// main content another role's walk has already laid out, byte for byte (the form token aside), lays out
// the same, and what differs between roles (header, navigation) is laid out on each role's pages of its
// own (home first). Rendering was most of the walk's time, and roles share most pages' content.
const maxPages = 400
// Each read-only seat's checks ride on its walk, so each must walk.
for (const email of readOnlyEmails)
  if (!oneDemoUserPerSeat.some((u) => u.email === email)) throw new Error(`${email} walks no seat`)
const skipped = /sign-out|\.csv|\.xlsx|\.docx|\.pdf|\.json|download|export|\/api\/|\/files\//

const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi
const shapeOf = (url: URL) =>
  `${url.pathname.replace(uuid, ':id').replace(/\d+/g, ':n')}?${[...url.searchParams.keys()].sort().join('&')}`

describe.skipIf(!chromiumAvailable)('every page at phone width', () => {
  let server: E2eServer
  let browser: Browser
  // The main content of every page laid out so far, by any role's walk (a digest of its HTML).
  const laidOutContent = new Set<string>()

  beforeAll(async () => {
    ;[server, browser] = await Promise.all([startServer(), launchBrowser()])
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  for (const user of oneDemoUserPerSeat) {
    it(`${seatOf(user)}: no page is wider than ${phoneViewport.width} px`, async () => {
      const context = await browser.newContext({ viewport: phoneViewport })
      try {
        const page = await context.newPage()
        const signIn = new SignInPage(page, server.baseUrl)
        await signIn.open()
        await signIn.signIn(user.email, demoPassword)
        const origin = new URL(server.baseUrl).origin
        const queue = ['/']
        const shapes = new Set<string>()
        const wide: string[] = []
        const broken: string[] = []
        const linked = new Set<string>()
        let visited = 0
        let laidOut = 0
        while (queue.length && visited < maxPages) {
          const url = new URL(queue.shift()!, server.baseUrl)
          const shape = shapeOf(url)
          if (url.origin !== origin || shapes.has(shape) || skipped.test(url.pathname)) continue
          shapes.add(shape)
          // A file to download (a letter, a template) is not a page.
          const response = await context.request.get(url.toString(), { maxRedirects: 5 })
          if (response.status() >= 400) {
            broken.push(`${response.status()} ${url.pathname}${url.search}`)
            continue
          }
          if (!(response.headers()['content-type'] ?? '').includes('text/html')) continue
          visited++
          const $ = load(await response.text())
          for (const next of sameOriginLinks($, response.url())) {
            linked.add(`${next.pathname}${next.search}`)
            queue.push(`${next.pathname}${next.search}`)
          }
          $('input[name="_csrf"]').remove()
          const content = createHash('sha256')
            .update($('main').html() ?? $.html())
            .digest('hex')
          if (laidOutContent.has(content)) continue
          laidOutContent.add(content)
          laidOut++
          await page.goto(url.toString())
          const seen = await page.evaluate((viewportWidth) => {
            const width = document.documentElement.scrollWidth
            const describe = (el: Element) =>
              el.tagName.toLowerCase() +
              (el.id ? `#${el.id}` : '') +
              Array.from(el.classList, (c) => `.${c}`).join('')
            const culprits =
              width <= viewportWidth
                ? []
                : Array.from(document.body.querySelectorAll('*'))
                    .filter(
                      (el) =>
                        el.getBoundingClientRect().right > viewportWidth + 1 && el.children.length === 0,
                    )
                    .slice(0, 3)
                    .map(describe)
            return { width, culprits }
          }, phoneViewport.width)
          if (seen.width > phoneViewport.width)
            wide.push(`${url.pathname}${url.search} is ${seen.width} px wide: ${seen.culprits.join(', ')}`)
        }
        console.info(`phone width: ${seatOf(user)} visited ${visited} kinds of page, laid out ${laidOut} new`)
        // A walk that found only a handful of pages would prove little.
        expect(visited, `${seatOf(user)} reached too few pages`).toBeGreaterThan(3)
        expect(broken, `links that do not work for ${seatOf(user)}`).toEqual([])
        expect(wide, `${seatOf(user)}: ${visited} pages visited`).toEqual([])
        if (readOnlyEmails.includes(user.email)) {
          await page.goto(server.baseUrl)
          await expectOnlyTheTablesLinks(expect, user.email, page, context.request, [...linked])
        }
      } finally {
        await context.close()
      }
    })
  }
})
