import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { demoPassword, demoUsers } from '../src/db/seed/demo-county.ts'
import { SignInPage } from './pages/sign-in.page.ts'
import { chromiumAvailable, launchBrowser, phoneViewport, warnIfBrowserMissing } from './support/browser.ts'
import { type E2eServer, startServer } from './support/server.ts'

warnIfBrowserMissing('phone-width.spec.ts')

// Issue 18, acceptance 1: every page each role can reach fits a 390 px phone. Signed in as one user of
// each role, on a phone-sized window, this follows every link from home (same origin, GET) and fails on
// any page wider than the window, naming what sticks out. Axe runs on these pages in the other suites;
// here only the width is read, so the walk stays quick. Links that differ only by an id or a number
// are one kind of page, of which the first is opened (200 locations' pages look alike).
const maxPages = 400
const skipped = /sign-out|\.csv|\.xlsx|\.docx|\.pdf|\.json|download|export|\/api\/|\/files\//

const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi
const shapeOf = (url: URL) =>
  `${url.pathname.replace(uuid, ':id').replace(/\d+/g, ':n')}?${[...url.searchParams.keys()].sort().join('&')}`

// One user of each role in each kind of organisation of the demo county (a board viewer and
// Healthwatch's viewer see different pages).
const seat = (u: (typeof demoUsers)[number]) => `${u.role} (${u.organisation})`
const oneOfEachRole = demoUsers.filter((u, i) => demoUsers.findIndex((v) => seat(v) === seat(u)) === i)

describe.skipIf(!chromiumAvailable)('every page at phone width', () => {
  let server: E2eServer
  let browser: Browser

  beforeAll(async () => {
    ;[server, browser] = await Promise.all([startServer(), launchBrowser()])
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  for (const user of oneOfEachRole) {
    it(`${seat(user)}: no page is wider than ${phoneViewport.width} px`, async () => {
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
        let visited = 0
        while (queue.length && visited < maxPages) {
          const url = new URL(queue.shift()!, server.baseUrl)
          const shape = shapeOf(url)
          if (url.origin !== origin || shapes.has(shape) || skipped.test(url.pathname)) continue
          shapes.add(shape)
          // A file to download (a letter, a template) is not a page.
          const response = await page.goto(url.toString()).catch((error: Error) => {
            if (error.message.includes('Download is starting')) return null
            throw error
          })
          if (!(response?.headers()['content-type'] ?? '').includes('text/html')) continue
          visited++
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
            const links = Array.from(
              document.querySelectorAll('a[href]'),
              (a) => a.getAttribute('href') ?? '',
            )
            return { width, culprits, links }
          }, phoneViewport.width)
          if (seen.width > phoneViewport.width)
            wide.push(`${url.pathname}${url.search} is ${seen.width} px wide: ${seen.culprits.join(', ')}`)
          for (const link of seen.links) {
            if (link.startsWith('#') || link.startsWith('mailto:') || link.startsWith('tel:')) continue
            const next = new URL(link, url)
            if (next.origin === origin) queue.push(`${next.pathname}${next.search}`)
          }
        }
        console.info(`phone width: ${seat(user)} visited ${visited} kinds of page`)
        // A walk that found only a handful of pages would prove little.
        expect(visited, `${seat(user)} reached too few pages`).toBeGreaterThan(3)
        expect(wide, `${seat(user)}: ${visited} pages visited`).toEqual([])
      } finally {
        await context.close()
      }
    })
  }
})
