import type { APIRequestContext, Page } from 'playwright-core'
import type { ExpectStatic } from 'vitest'
import { demoUsers } from '../../src/db/seed/demo-county.ts'
import type { OrganisationKind, Role } from '../../src/domain/roles.ts'
import { audienceOf, whatEachRoleSees } from '../../src/domain/what-each-role-sees.ts'
import { serviceNavigation } from './browser.ts'

// Issue 18, acceptance 4: each read-only role gets exactly the links it can follow. The phone-width
// walk (phone-width.spec.ts) already follows every link a seat can reach and fails on any that answers
// 400 or worse; for the read-only seats these checks then hold what it was offered to the table the
// README shows ("What each role sees", src/domain/what-each-role-sees.ts). One walk serves both: two
// walks of the same pages cost about a minute of the suite's CPU.
export const readOnlyEmails: readonly string[] = [
  'viewer@northmoor.example',
  'lead@healthwatch-northmoor.example',
  'region@adass-north.example',
]

// What the demo county's organisations are, by the seed's names.
const organisationKinds: Record<string, OrganisationKind> = {
  council: 'council',
  healthwatch: 'healthwatch',
  region: 'region',
}

// `home` is the page just after sign-in; `linked` every same-origin link (path and query) the walk met.
export async function expectOnlyTheTablesLinks(
  expect: ExpectStatic,
  email: string,
  home: Page,
  request: APIRequestContext,
  linked: string[],
) {
  const user = demoUsers.find((u) => u.email === email)!
  const kind = organisationKinds[user.organisation] ?? 'other_partner'
  const sees = whatEachRoleSees[audienceOf({ role: user.role as Role, organisationKind: kind })]

  // The menu offers the worklist exactly when the table lets the role read cases.
  const menu = (await serviceNavigation(home)).map((n) => n.text)
  if (sees.cases === 'none') expect(menu).not.toContain('Worklist')
  else expect(menu).toContain('Worklist')

  // It really walked the site: locations, their pages and their returns at least.
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
  // Alerts are the case's; a location's RAG has its own column. Neither's list nor download is offered.
  if (sees.cases === 'none')
    expect(
      linked.filter((h) => /\/dashboard\/exports\/alerts\.|figure=open-alerts/.test(h)),
      'alerts',
    ).toEqual([])
  if (sees.riskStatus === 'none')
    expect(
      linked.filter((h) => /figure=(red|amber|green)\b/.test(h)),
      'RAG lists',
    ).toEqual([])
  else
    expect(
      linked.some((h) => /^\/cases\/[0-9a-f-]{36}$/.test(h)),
      'a case',
    ).toBe(true)

  // And what it is refused by address is refused, not merely hidden.
  const location = linked.find((h) => /^\/locations\/[0-9a-f-]{36}$/.test(h))!
  const byAddress = (path: string) => request.get(new URL(path, home.url()).toString())
  if (sees.contactLog === 'none')
    expect((await byAddress(`${location}/contact-log`)).status(), 'the contact log by address').toBe(404)
  if (sees.returns !== 'report')
    expect((await byAddress(`${location}/returns/new`)).status(), 'report for today by address').toBe(404)
  if (sees.cases === 'none')
    expect(
      (await byAddress('/dashboard/exports/alerts.csv?from=2020-04-01&to=2020-04-30')).status(),
      'the alerts download by address',
    ).toBe(403)
}
