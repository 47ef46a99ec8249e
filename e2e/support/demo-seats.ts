import type { CheerioAPI } from 'cheerio'
import { demoUsers } from '../../src/db/seed/demo-county.ts'

type DemoUser = (typeof demoUsers)[number]

// A demo user's seat: their role in their kind of organisation (a board viewer and Healthwatch's viewer
// see different pages; the county's two finance officers see the same).
export const seatOf = (u: DemoUser) => `${u.role} (${u.organisation})`

// The first demo user of each seat, for the suites that walk every page a seat can reach.
export const oneDemoUserPerSeat = demoUsers.filter(
  (u, i) => demoUsers.findIndex((v) => seatOf(v) === seatOf(u)) === i,
)

// The same-origin links of a page read without the browser (its hash dropped), for the walks.
export function sameOriginLinks($: CheerioAPI, pageUrl: string): URL[] {
  const origin = new URL(pageUrl).origin
  const links: URL[] = []
  for (const a of $('a[href]').toArray()) {
    const href = $(a).attr('href') ?? ''
    if (href.startsWith('#') || /^(mailto|tel):/.test(href)) continue
    const target = new URL(href, pageUrl)
    if (target.origin !== origin) continue
    target.hash = ''
    links.push(target)
  }
  return links
}
