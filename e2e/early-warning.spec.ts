import type { Browser, BrowserContext, Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { demoPassword, demoUsers } from '../src/db/seed/demo-county.ts'
import { addDaysToIsoDate, londonDate, londonInstant } from '../src/domain/dates.ts'
import { caseSummary, worklistRows } from './pages/casework.page.ts'
import { contactBanner, fillDate, londonDateParts } from './pages/contact-log.page.ts'
import {
  fillReturn,
  isCareHome,
  notSent,
  reportLink,
  summaryAnswers,
  textOf,
  textsOf,
  yourReturns,
} from './pages/returns.page.ts'
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

warnIfBrowserMissing('early-warning.spec.ts')

// Issue 5, acceptance 1: a provider's return with 1 day of gloves raises a red alert in a case that is
// on the officer's worklist at once; the officer owns the case and logs a call with an agreed action;
// an NHS partner opening the location sees who rang today and what was agreed; the provider's next
// return, with 10 days of gloves, resolves the alert by itself, and the case keeps the alert's history,
// its evidence and the call.
//
// "The provider's next return" is the next day's return. Care homes report daily, one return per
// location per period, and an amendment of today's return is a correction, not a next return. So the
// server runs on a clock this suite moves: first today, then 09:00 tomorrow (London), when tomorrow's
// return is open and on time. Everything before the move happens at the real time of day.

const byEmail = (email: string) => demoUsers.find((u) => u.email === email)!
const providerManager = byEmail('manager@meadowcare.example')
const officer = byEmail('officer@northmoor.example')
const nurse = byEmail('nurse@ipc.northmoor.example')
const council = 'Northmoor County Council'
const desktop = { viewport: { width: 1280, height: 900 } }
const ppeRed = 'PPE runs out within 3 days'
const ppeAmber = 'PPE runs out within 7 days'
const casePath = /^\/cases\/[0-9a-f-]{36}$/

// A care home return with nothing else wrong: stock for a fortnight or more, no cases, no deaths, full
// staff, open to admissions, no help asked for. Only the days of gloves change between the two returns.
const calmReturn = (gloves: string): Record<string, string | string[]> => ({
  ppeDaysGloves: gloves,
  ppeDaysAprons: '14',
  ppeDaysTypeIirMasks: '14',
  ppeDaysFfp3Masks: '14',
  ppeDaysEyeProtection: '21',
  ppeDaysHandSanitiser: '28',
  ppeCanObtainMore: 'yes',
  residents: '20',
  confirmedCasesResidents: '0',
  suspectedCasesResidents: '0',
  confirmedCasesStaff: '0',
  suspectedCasesStaff: '0',
  covidDeathsResidents: '0',
  otherDeathsResidents: '0',
  covidDeathsStaff: '0',
  staffEmployed: '30',
  staffAbsentCovid: '0',
  staffAbsentOther: '0',
  agencyStaffUsed: '0',
  bedsAvailable: '24',
  bedsOccupied: '20',
  closedToAdmissions: 'no',
  canAcceptDischarges: 'yes',
  residentsTested: '20',
  staffTested: '30',
  helpRequested: [],
  concerns: '',
})

// The clock the server reads: the real time plus an offset this suite sets.
let offsetMs = 0
const clock = { now: () => new Date(Date.now() + offsetMs) }

// "23 November 2026", as the pages write a London date.
const longDate = (isoDate: string) =>
  new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/London',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  }).format(londonInstant(isoDate, 12))

type AlertCard = { title: string; fields: Map<string, string>; evidence: string[]; history: string[] }

// The case page's alert cards, as an officer reads them: title, the summary rows, the evidence
// lines and the rows of the alert's history (inside a details element, read whether open or not).
async function alertCards(page: Page): Promise<AlertCard[]> {
  const cards = await page.locator('#main-content .govuk-summary-card').evaluateAll((els) =>
    els.map((card) => {
      const clean = (s: string | null | undefined) => (s ?? '').replace(/\s+/g, ' ').trim()
      const rows = Array.from(card.querySelectorAll('.govuk-summary-list__row')).map((r) => [
        clean(r.querySelector('.govuk-summary-list__key')?.textContent),
        clean(r.querySelector('.govuk-summary-list__value')?.textContent),
      ])
      return {
        title: clean(card.querySelector('.govuk-summary-card__title')?.textContent),
        rows,
        evidence: Array.from(card.querySelectorAll('.govuk-summary-list__value li')).map((li) =>
          clean(li.textContent),
        ),
        history: Array.from(card.querySelectorAll('table tbody tr')).map((tr) =>
          Array.from(tr.querySelectorAll('td'))
            .map((td) => clean(td.textContent))
            .join(' | '),
        ),
      }
    }),
  )
  return cards.map((c) => ({ ...c, fields: new Map(c.rows as [string, string][]) }))
}

// Rows of a table that follows a heading on the case page (contacts, case history), cells joined.
async function tableAfter(page: Page, headingId: string): Promise<string[][]> {
  return page
    .locator(`#main-content h2#${headingId} + table tbody tr`)
    .evaluateAll((rows) =>
      rows.map((r) =>
        Array.from(r.querySelectorAll('td')).map((td) => (td.textContent ?? '').replace(/\s+/g, ' ').trim()),
      ),
    )
}

describe.skipIf(!chromiumAvailable)('early warning, end to end in a real browser', () => {
  let server: E2eServer
  let browser: Browser
  const contexts: BrowserContext[] = []

  beforeAll(async () => {
    ;[server, browser] = await Promise.all([startServer({ clock }), launchBrowser()])
  })

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {})
    await browser?.close()
    await server?.close()
  })

  const url = (href: string) => new URL(href, server.baseUrl).toString()
  const pathname = (page: Page) => new URL(page.url()).pathname

  async function signedIn(email: string): Promise<Page> {
    const context = await browser.newContext(desktop)
    contexts.push(context)
    const page = await context.newPage()
    const signIn = new SignInPage(page, server.baseUrl)
    await signIn.open()
    await expectNoAxeViolations(page, 'sign in')
    const home = await signIn.signIn(email, demoPassword)
    expect(home.status(), `sign-in as ${email}`).toBe(200)
    await expectNoAxeViolations(page, `home page of ${email}`)
    return page
  }

  async function follow(page: Page, target: Locator, status = 200) {
    const response = await navigateBy(page, () => target.click())
    expect(response.status(), `${page.url()}`).toBe(status)
    return response
  }

  // The location's open case as the location page states it: "No open case." or "Open case: …".
  async function caseLineOnLocationPage(page: Page, locationId: string) {
    const response = await page.goto(url(`/locations/${locationId}`))
    expect(response?.status(), `location page ${locationId}`).toBe(200)
    await expectNoAxeViolations(page, 'location page as officer')
    return textOf(page.locator('#case-summary p').first())
  }

  // A worklist row for the location, following the pages of the list as a person would.
  async function findOnWorklist(page: Page, tab: RegExp, locationName: string) {
    await follow(
      page,
      page.locator('.govuk-service-navigation').getByRole('link', { name: 'Worklist', exact: true }),
    )
    expect(await headingText(page)).toBe('Worklist')
    await expectNoAxeViolations(page, 'worklist')
    await follow(page, page.getByRole('link', { name: tab }))
    for (;;) {
      await expectNoAxeViolations(page, `worklist, ${tab}`)
      const row = (await worklistRows(page)).find((r) => r.location === locationName)
      if (row) return row
      const next = page.locator('.govuk-pagination__next a')
      if ((await next.count()) === 0) return undefined
      await follow(page, next)
    }
  }

  // The provider manager's "Report" link, the form, check your answers, and "Send return".
  async function sendReturn(page: Page, locationId: string, answers: Record<string, string | string[]>) {
    await follow(page, reportLink(page, locationId))
    expect(pathname(page)).toBe(`/locations/${locationId}/returns/new`)
    await expectNoAxeViolations(page, 'return form')
    await fillReturn(page, answers)
    await follow(page, page.getByRole('button', { name: 'Continue' }))
    expect(await headingText(page)).toBe('Check your answers before sending your return')
    expect((await summaryAnswers(page)).get('Days of gloves in stock')).toBe(`${answers.ppeDaysGloves} days`)
    await expectNoAxeViolations(page, 'check your answers')
    await follow(page, page.getByRole('button', { name: 'Send return' }))
    await expect(textOf(page.locator('.govuk-panel__title'))).resolves.toBe('Return sent')
    await expectNoAxeViolations(page, 'return sent')
  }

  it('1 day of gloves raises a red alert on the worklist at once; a call is shared; the next return resolves it', async () => {
    const provider = await signedIn(providerManager.email)
    const officerPage = await signedIn(officer.email)
    const partner = await signedIn(nurse.email)
    const today = londonDate(clock.now())

    // --- Choose the location: a Meadow Care home with today's return still to send, that the IPC nurse
    // may see, with no open PPE alert (so the alert below can only come from this return) and no owner.
    const candidates = (await yourReturns(provider)).filter((r) => isCareHome(r) && r.canReport && notSent(r))
    let chosen: (typeof candidates)[number] | undefined
    let before = '' // what the location page said of its case before the return
    for (const candidate of candidates) {
      const line = await caseLineOnLocationPage(officerPage, candidate.id)
      // The story has the officer take ownership, so the case must not have an owner already.
      if (line.includes('owned by')) continue
      if (line.includes('Open case')) {
        await follow(officerPage, officerPage.locator('#case-summary a', { hasText: 'Open case' }))
        await expectNoAxeViolations(officerPage, 'an open case, before the return')
        const open = (await alertCards(officerPage)).filter((a) => a.fields.get('Status') === 'Open')
        if (open.some((a) => a.title === ppeRed || a.title === ppeAmber)) continue
      }
      const seen = await partner.goto(url(`/locations/${candidate.id}`))
      if (seen?.status() !== 200) continue // out of the council's area: not shared with its partners
      await expectNoAxeViolations(partner, 'location page as the IPC nurse, before the return')
      chosen = candidate
      before = line
      break
    }
    expect(chosen, `a care home with no PPE alert, in ${JSON.stringify(candidates)}`).toBeDefined()
    const location = chosen!
    expect(location.period).toBe(longDate(today))

    // --- 1. The provider sends today's return with 1 day of gloves.
    await sendReturn(provider, location.id, calmReturn('1'))

    // --- 2. At once (no job runs in this server), a red alert in a case, on the officer's worklist.
    const row = await findOnWorklist(officerPage, /^Unowned \(\d+\)$/, location.name)
    expect(row, `${location.name} on the unowned worklist`).toBeDefined()
    expect(row!.rag).toBe('Red')
    expect(row!.alerts).toContain(`${ppeRed} (red)`)
    expect(row!.owner).toBe('Unowned')
    // A case that was already open (for another reason) keeps its age; a new one was opened just now.
    if (before.includes('No open case')) expect(row!.opened).toMatch(/just now|minute/)

    await follow(officerPage, officerPage.getByRole('link', { name: location.name, exact: true }).first())
    expect(pathname(officerPage)).toMatch(casePath)
    const caseUrl = officerPage.url()
    expect(await headingText(officerPage)).toBe(`Case: ${location.name}`)
    const raised = (await alertCards(officerPage)).find((a) => a.title === ppeRed)
    expect(raised, 'the PPE alert on the case').toBeDefined()
    expect(raised!.fields.get('Severity')).toBe('Red')
    expect(raised!.fields.get('Status')).toBe('Open')
    expect(raised!.fields.get('Source')).toBe('Risk rule')
    expect(raised!.evidence).toContain('Gloves: 1 day of stock left')
    expect((await caseSummary(officerPage)).get('RAG')).toBe('Red')
    await expectNoAxeViolations(officerPage, 'case page, unowned')

    // --- 3. The officer takes ownership of the case…
    await follow(officerPage, officerPage.getByRole('button', { name: 'Take ownership', exact: true }))
    await expect(textOf(officerPage.locator('.govuk-notification-banner'))).resolves.toContain(
      'You own this case',
    )
    const owned = await caseSummary(officerPage)
    expect(owned.get('Status')).toBe('Owned')
    expect(owned.get('Owning organisation')).toBe(council)
    expect(owned.get('Owner')).toBe(officer.displayName)
    await expectNoAxeViolations(officerPage, 'case page, owned')

    // …and logs the call she has just made, about the alert, with what was agreed. The time is left
    // blank, as the form allows.
    const summary = 'Rang the manager about gloves: one day left, supplier order delayed (e2e)'
    const agreed = 'County store to deliver 2,000 pairs of gloves by 4pm today; manager to confirm receipt'
    await follow(
      officerPage,
      officerPage.getByRole('link', { name: `Record a call, e-mail or visit with ${location.name}` }),
    )
    expect(await headingText(officerPage)).toBe('Record a contact')
    await expectNoAxeViolations(officerPage, 'record a contact')
    await officerPage.getByLabel('It has happened').check()
    await officerPage.getByLabel('Telephone call').check()
    await officerPage.getByLabel('We contacted the location').check()
    await officerPage.getByLabel('PPE', { exact: true }).check()
    await fillDate(officerPage, 'contactDate', londonDateParts(0))
    await officerPage.getByLabel('Who you spoke to (optional)').fill('The registered manager')
    await officerPage.getByLabel('Summary', { exact: true }).fill(summary)
    await officerPage.getByLabel('Actions agreed (optional)').fill(agreed)
    await officerPage.getByLabel(`Red: ${ppeRed}`).check()
    await follow(officerPage, officerPage.getByRole('button', { name: 'Save contact' }))
    // Logged from the case, it belongs to the case, and the form returns there.
    await expect(textOf(officerPage.locator('.govuk-notification-banner'))).resolves.toContain(
      'Contact recorded on this case',
    )
    await expectNoAxeViolations(officerPage, 'case page after the call')

    // --- 4. The IPC nurse (an NHS partner) opening the location sees who rang today and what was agreed.
    expect((await partner.goto(url(`/locations/${location.id}`)))?.status()).toBe(200)
    expect(await headingText(partner)).toBe(location.name)
    const banner = await contactBanner(partner)
    expect(banner).toContain(`Contacted today by ${council} (${officer.displayName})`)
    expect(banner).toContain(summary)
    expect(banner).toContain(`Actions agreed: ${agreed}`)
    // The partner sees the case too, and who owns it.
    await expect(textOf(partner.locator('#case-summary'))).resolves.toContain(
      `owned by ${officer.displayName}, ${council}`,
    )
    await expectNoAxeViolations(partner, 'location page as the IPC nurse')

    // --- 5. The next day, the provider's next return shows 10 days of gloves.
    const tomorrow = addDaysToIsoDate(today, 1)
    offsetMs = londonInstant(tomorrow, 9, 0).getTime() - Date.now()
    expect(londonDate(clock.now())).toBe(tomorrow)
    const nextDay = await signedIn(providerManager.email)
    const next = (await yourReturns(nextDay)).find((r) => r.id === location.id)
    expect(next, `${location.name} on the provider's home page`).toBeDefined()
    expect(next!.period).toBe(longDate(tomorrow))
    expect(next!.status).toBe('Due')
    await sendReturn(nextDay, location.id, calmReturn('10'))
    await expect(textOf(nextDay.locator('.govuk-panel__body'))).resolves.toContain(
      `${location.name}, ${longDate(tomorrow)}`,
    )

    // --- 6. The alert resolved itself, naming the return; the case keeps its history, evidence and the call.
    const owner = await signedIn(officer.email)
    await owner.goto(caseUrl)
    expect(await headingText(owner)).toBe(`Case: ${location.name}`)
    const alerts = await alertCards(owner)
    const ppe = alerts.filter((a) => a.title === ppeRed)
    expect(ppe, 'one PPE alert on the case').toHaveLength(1)
    const resolved = ppe[0]!
    // The note names the return: its period (the month may be short, "24 Nov 2026") and when it was sent.
    const [year, , day] = tomorrow.split('-').map(Number)
    const monthName = longDate(tomorrow).split(' ')[1]!
    const clearedBy = `Cleared by the return for ${day} ${monthName.slice(0, 3)}\\w* ${year} submitted \\d{1,2}:\\d{2}`
    expect(resolved.fields.get('Status')).toMatch(new RegExp(`^Resolved .*: ${clearedBy}$`))
    expect(resolved.evidence, 'the evidence that raised it').toContain('Gloves: 1 day of stock left')
    expect(resolved.history.some((h) => h.includes('Raised by a return'))).toBe(true)
    expect(resolved.history.some((h) => new RegExp(`Resolved by a return: ${clearedBy}`).test(h))).toBe(true)
    // No amber PPE alert took its place: 10 days is clear of both PPE rules.
    expect(alerts.filter((a) => a.title === ppeAmber && a.fields.get('Status') === 'Open')).toEqual([])

    const contacts = await tableAfter(owner, 'contacts')
    const call = contacts.find((c) => c[2]?.includes(summary))
    expect(call, `the call on the case, in ${JSON.stringify(contacts)}`).toBeDefined()
    expect(call![0]).toContain('Telephone call')
    expect(call![1]).toBe(`${officer.displayName}, ${council}`)
    expect(call![2]).toContain(`Actions agreed: ${agreed}`)

    const history = (await tableAfter(owner, 'history')).map((r) => r[1] ?? '')
    expect(history.some((h) => h.startsWith('Ownership taken'))).toBe(true)
    expect(history.some((h) => h.startsWith('Alert resolved'))).toBe(true)
    // Owned, until the owner closes it; the RAG no longer counts the PPE alert.
    const after = await caseSummary(owner)
    expect(after.get('Owning organisation')).toBe(council)
    expect(after.get('Status')).not.toBe('Resolved')
    await expect(textsOf(owner.locator('#main-content .govuk-summary-card__title'))).resolves.toContain(
      ppeRed,
    )
    await expectNoAxeViolations(owner, 'case page after the next return')
  })
})
