import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'csv-parse/sync'
import ExcelJS from 'exceljs'
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { demoCouncil, demoPassword, demoUsers } from '../src/db/seed/demo-county.ts'
import { importStatusTags, waitForImportSaved } from './pages/cqc-import.page.ts'
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

warnIfBrowserMissing('directory.spec.ts')

const byEmail = (email: string) => demoUsers.find((u) => u.email === email)!
const admin = byEmail('admin@northmoor.example')
const officer = byEmail('officer@northmoor.example')
const providerManager = byEmail('manager@meadowcare.example')

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const oldhamJsonl = path.join(repoRoot, 'test/fixtures/cqc/cqc_api_oldham_locations_raw.jsonl')

const rowLinks = '#main-content table.govuk-table tbody a.govuk-link'
const locationPath = /^\/locations\/[0-9a-f-]{36}$/
const providerPath = /^\/providers\/[0-9a-f-]{36}$/
const importPath = /^\/imports\/[0-9a-f-]{36}$/

// "Showing 1 to 50 of 1,234 locations" as numbers.
async function shown(page: Page): Promise<{ from: number; to: number; total: number }> {
  const text = (await page.locator('#main-content').textContent()) ?? ''
  const match = /Showing ([\d,]+) to ([\d,]+) of ([\d,]+) locations/.exec(text)
  expect(match, `"Showing X to Y of Z locations" on ${page.url()}`).not.toBeNull()
  const n = (s: string) => Number(s.replace(/,/g, ''))
  return { from: n(match![1]!), to: n(match![2]!), total: n(match![3]!) }
}

// The cells of one column of the locations table, trimmed.
async function column(page: Page, index: number): Promise<string[]> {
  return page
    .locator('#main-content table.govuk-table tbody tr')
    .evaluateAll((rows, i) => rows.map((r) => (r.querySelectorAll('td')[i]?.textContent ?? '').trim()), index)
}

async function applyFilters(page: Page) {
  const response = await navigateBy(page, () => page.getByRole('button', { name: 'Apply filters' }).click())
  expect(response.status(), 'Apply filters').toBe(200)
}

async function errorLinks(page: Page): Promise<string[]> {
  return page
    .locator('.govuk-error-summary .govuk-error-summary__list a')
    .evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''))
}

async function summaryValue(page: Page, key: string): Promise<string> {
  const row = page.locator('.govuk-summary-list__row', {
    has: page.locator('.govuk-summary-list__key', { hasText: key }),
  })
  return ((await row.locator('.govuk-summary-list__value').textContent()) ?? '').trim()
}

// Opens a govuk details element by its summary text, unless it is open already (after an error).
async function openDetails(page: Page, summary: string): Promise<Locator> {
  const details = page.locator('details.govuk-details', {
    has: page.locator('summary', { hasText: summary }),
  })
  expect(await details.count(), `a "${summary}" details element`).toBe(1)
  if (!(await details.evaluate((d) => (d as HTMLDetailsElement).open))) {
    await details.locator('summary').click()
  }
  return details
}

describe.skipIf(!chromiumAvailable)('the provider directory in a real browser', () => {
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
  const pathname = (page: Page) => new URL(page.url()).pathname

  async function signedIn(email: string): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      acceptDownloads: true,
    })
    const page = await context.newPage()
    const signIn = new SignInPage(page, server.baseUrl)
    await signIn.open()
    const home = await signIn.signIn(email, demoPassword)
    expect(home.status(), `sign-in as ${email}`).toBe(200)
    expect(pathname(page)).toBe('/')
    return { context, page }
  }

  async function download(page: Page, linkName: string) {
    const started = page.waitForEvent('download')
    await page.getByRole('link', { name: linkName, exact: true }).click()
    const file = await started
    const saved = await file.path()
    expect(saved, `${linkName} download finished`).toBeTruthy()
    return { name: file.suggestedFilename(), path: saved }
  }

  it('locations list: filters, sorting and CSV and XLSX exports', async () => {
    const { context, page } = await signedIn(officer.email)
    try {
      expect((await page.goto(url('/locations')))?.status()).toBe(200)
      const everything = await shown(page)
      expect(everything.from).toBe(1)
      expect(everything.total).toBeGreaterThan(50)
      await expectNoAxeViolations(page, 'locations, no filters')

      // One service type: fewer rows, and every row is of that type.
      await page.locator('#serviceType').selectOption('care_home_residential')
      await applyFilters(page)
      expect(new URL(page.url()).searchParams.get('serviceType')).toBe('care_home_residential')
      await expect(page.locator('#serviceType').inputValue()).resolves.toBe('care_home_residential')
      const homes = await shown(page)
      expect(homes.total).toBeGreaterThan(0)
      expect(homes.total).toBeLessThan(everything.total)
      const types = await column(page, 1)
      expect(types.length).toBe(homes.to - homes.from + 1)
      expect(new Set(types)).toEqual(new Set(['Care home without nursing']))
      await expectNoAxeViolations(page, 'locations, one service type')

      // Narrow further: contracted, in the council's area, open.
      await page.locator('#contracted').selectOption('yes')
      await page.locator('#inArea').selectOption('in')
      await page.locator('#status').selectOption('open')
      await applyFilters(page)
      const params = new URL(page.url()).searchParams
      expect(
        Object.fromEntries(['serviceType', 'contracted', 'inArea', 'status'].map((k) => [k, params.get(k)])),
      ).toEqual({ serviceType: 'care_home_residential', contracted: 'yes', inArea: 'in', status: 'open' })
      const narrowed = await shown(page)
      expect(narrowed.total).toBeGreaterThan(0)
      expect(narrowed.total).toBeLessThanOrEqual(homes.total)
      expect(new Set(await column(page, 1))).toEqual(new Set(['Care home without nursing']))
      // Open, in area: no closed or dormant tags, and every row has one of the council's areas.
      // (The name cell carries closed and dormant tags; a later cell carries the RAG.)
      await expect(page.locator('#main-content tbody td:first-child .govuk-tag').count()).resolves.toBe(0)
      for (const area of await column(page, 2)) expect(area, 'area of an in-area location').not.toBe('')
      await expectNoAxeViolations(page, 'locations, four filters')

      // Sort by beds: ascending, then descending, with the filters kept.
      const bedsHeader = page.locator('#main-content thead th', { hasText: 'Beds' })
      const nameHeader = page.locator('#main-content thead th', { hasText: 'Location' })
      await expect(bedsHeader.getAttribute('aria-sort')).resolves.toBe('none')
      await expect(nameHeader.getAttribute('aria-sort')).resolves.toBe('ascending')
      const beds = async () => (await column(page, 4)).map(Number)
      for (const [order, compare] of [
        ['ascending', (a: number, b: number) => a - b],
        ['descending', (a: number, b: number) => b - a],
      ] as const) {
        const response = await navigateBy(page, () => bedsHeader.locator('a').click())
        expect(response.status()).toBe(200)
        await expect(
          bedsHeader.getAttribute('aria-sort'),
          `Beds header after sorting ${order}`,
        ).resolves.toBe(order)
        await expect(nameHeader.getAttribute('aria-sort')).resolves.toBe('none')
        const values = await beds()
        expect(
          values.every((v) => Number.isInteger(v)),
          `beds are whole numbers: ${values}`,
        ).toBe(true)
        expect(values, `beds ${order}`).toEqual([...values].sort(compare))
        expect(await shown(page), 'sorting keeps the filters').toEqual(narrowed)
        expect(new URL(page.url()).searchParams.get('serviceType')).toBe('care_home_residential')
        await expectNoAxeViolations(page, `locations sorted by beds, ${order}`)
      }
      const descending = await beds()
      expect(descending[0]).toBeGreaterThanOrEqual(descending[descending.length - 1]!)

      // The exports hold the same rows as the filtered list, with plain-English headers.
      const csvFile = await download(page, 'CSV')
      expect(csvFile.name).toMatch(/^locations-\d{4}-\d{2}-\d{2}\.csv$/)
      const csvRows: string[][] = parse(fs.readFileSync(csvFile.path), { bom: true })
      expect(csvRows[0]![0]).toBe('CQC location ID')
      expect(csvRows[0]).toContain('Service type')
      expect(csvRows.length - 1, 'CSV rows').toBe(narrowed.total)
      const typeColumn = csvRows[0]!.indexOf('Service type')
      expect(new Set(csvRows.slice(1).map((r) => r[typeColumn]))).toEqual(
        new Set(['Care home without nursing']),
      )

      const xlsxFile = await download(page, 'Excel (XLSX)')
      expect(xlsxFile.name).toMatch(/^locations-\d{4}-\d{2}-\d{2}\.xlsx$/)
      const workbook = new ExcelJS.Workbook()
      await workbook.xlsx.readFile(xlsxFile.path)
      const sheet = workbook.worksheets[0]!
      expect(sheet.getRow(1).getCell(1).text).toBe('CQC location ID')
      expect(sheet.actualRowCount - 1, 'XLSX rows').toBe(narrowed.total)

      // Search within the filtered list for one of its rows.
      const name = ((await page.locator(rowLinks).first().textContent()) ?? '').trim()
      await page.locator('#search').fill(name)
      await applyFilters(page)
      const found = await shown(page)
      expect(found.total).toBeGreaterThanOrEqual(1)
      expect(found.total).toBeLessThanOrEqual(narrowed.total)
      const names = (await page.locator(rowLinks).allTextContents()).map((n) => n.trim())
      expect(names).toContain(name)
      for (const n of names) expect(n.toLowerCase()).toContain(name.toLowerCase())
      await expectNoAxeViolations(page, 'locations, searched')

      await page.locator('#search').fill('zzz-no-such-location')
      await applyFilters(page)
      await expect(page.locator('#main-content').textContent()).resolves.toContain(
        'No locations match these filters.',
      )
      await expectNoAxeViolations(page, 'locations, nothing found')
    } finally {
      await context.close()
    }
  })

  it('location page: an officer edits it and adds a contact; its provider manager sees neither', async () => {
    // One of the provider manager's own locations, which the council officer can see too.
    const manager = await signedIn(providerManager.email)
    const asOfficer = await signedIn(officer.email)
    try {
      await manager.page.goto(url('/locations'))
      const own = manager.page.locator(rowLinks).first()
      const locationHref = (await own.getAttribute('href'))!
      expect(locationHref).toMatch(locationPath)

      const page = asOfficer.page
      await page.goto(url('/locations'))
      await page.locator('#search').fill(((await own.textContent()) ?? '').trim())
      await applyFilters(page)
      const response = await navigateBy(page, () =>
        page.locator(`${rowLinks}[href="${locationHref}"]`).click(),
      )
      expect(response.status()).toBe(200)
      expect(pathname(page)).toBe(locationHref)
      const originalName = await headingText(page)
      expect(originalName).not.toBe('')
      await expectNoAxeViolations(page, 'location page as officer')

      // Change with mistakes: every mistake is listed and linked.
      await navigateBy(page, () => page.getByRole('link', { name: 'Change this location’s details' }).click())
      expect(pathname(page)).toBe(`${locationHref}/edit`)
      await expect(page.locator('#name').inputValue()).resolves.toBe(originalName)
      const originalBeds = await page.locator('#registeredBeds').inputValue()
      await expectNoAxeViolations(page, 'change a location')
      await page.locator('#name').fill('')
      await page.locator('#registeredBeds').fill('-3')
      const invalid = await navigateBy(page, () =>
        page.getByRole('button', { name: 'Save location' }).click(),
      )
      expect(invalid.status()).toBe(400)
      expect(await page.title()).toMatch(/^Error: /)
      expect(await errorLinks(page)).toEqual(['#name', '#registeredBeds'])
      await expect(page.locator('#registeredBeds').inputValue()).resolves.toBe('-3')
      await expect(page.locator('#registeredBeds-error').textContent()).resolves.toContain('whole number')
      await expectNoAxeViolations(page, 'change a location, with errors')

      const newName = `${originalName} (e2e)`
      await page.locator('#name').fill(newName)
      await page.locator('#registeredBeds').fill(originalBeds)
      const saved = await navigateBy(page, () => page.getByRole('button', { name: 'Save location' }).click())
      expect(saved.status()).toBe(200)
      expect(pathname(page)).toBe(locationHref)
      await expect(page.locator('.govuk-notification-banner--success').textContent()).resolves.toContain(
        'Location saved',
      )
      expect(await headingText(page)).toBe(newName)
      await expectNoAxeViolations(page, 'location page, saved')

      // Named contacts: an empty form is refused, then a contact is added.
      await openDetails(page, 'Add a named contact')
      const refused = await navigateBy(page, () => page.getByRole('button', { name: 'Add contact' }).click())
      expect(refused.status()).toBe(400)
      expect(await page.title()).toMatch(/^Error: /)
      expect(await errorLinks(page)).toEqual(['#contactName', '#contactPhone'])
      // The form comes back open, so the links in the summary lead somewhere visible.
      await expect(page.locator('#contactName').isVisible()).resolves.toBe(true)
      await expectNoAxeViolations(page, 'location page, contact errors')

      const contact = `Dana Contact ${Date.now()}`
      await openDetails(page, 'Add a named contact')
      await page.locator('#contactName').fill(contact)
      await page.locator('#contactPhone').fill('01632 960 001')
      const added = await navigateBy(page, () => page.getByRole('button', { name: 'Add contact' }).click())
      expect(added.status()).toBe(200)
      expect(pathname(page)).toBe(locationHref)
      await expect(page.locator('.govuk-notification-banner--success').textContent()).resolves.toContain(
        'Contact added',
      )
      const contactRow = page.locator('#main-content table.govuk-table tbody tr', { hasText: contact })
      expect(await contactRow.count()).toBe(1)
      await expect(contactRow.textContent()).resolves.toContain('01632 960 001')
      await expectNoAxeViolations(page, 'location page, contact added')

      // The provider manager opens the same location: no contacts, no editing.
      expect((await manager.page.goto(url(locationHref)))?.status()).toBe(200)
      expect(await headingText(manager.page)).toBe(newName)
      await expect(
        manager.page.getByRole('heading', { name: 'Named contacts' }).count(),
        'contacts are for council and partner officers only',
      ).resolves.toBe(0)
      await expect(manager.page.locator('#main-content').textContent()).resolves.not.toContain(contact)
      await expect(
        manager.page.getByRole('link', { name: 'Change this location’s details' }).count(),
      ).resolves.toBe(0)
      await expectNoAxeViolations(manager.page, 'location page as provider manager')
      // Nor can the manager open the form directly.
      const editByManager = await manager.page.goto(url(`${locationHref}/edit`))
      expect(editByManager?.status()).toBe(404)
    } finally {
      await manager.context.close()
      await asOfficer.context.close()
    }
  })

  it('add a location: errors for an empty form, then the new location', async () => {
    const { context, page } = await signedIn(officer.email)
    try {
      await page.goto(url('/locations'))
      await navigateBy(page, () => page.getByRole('button', { name: 'Add a location' }).click())
      expect(pathname(page)).toBe('/locations/new')
      expect(await headingText(page)).toBe('Add a location')
      await expectNoAxeViolations(page, 'add a location')

      const invalid = await navigateBy(page, () =>
        page.getByRole('button', { name: 'Save location' }).click(),
      )
      expect(invalid.status()).toBe(400)
      expect(await page.title()).toMatch(/^Error: /)
      expect(await errorLinks(page)).toEqual(['#name', '#providerName', '#serviceType'])
      await expectNoAxeViolations(page, 'add a location, with errors')

      const name = `E2E Test House ${Date.now()}`
      await page.locator('#name').fill(name)
      await page.locator('#providerName').fill('E2E Care Homes Ltd')
      await page.getByRole('radio', { name: 'Care home without nursing' }).check()
      await page.locator('#postcode').fill('nm1 2ab')
      await page.locator('#registeredBeds').fill('20')
      const saved = await navigateBy(page, () => page.getByRole('button', { name: 'Save location' }).click())
      expect(saved.status()).toBe(200)
      expect(pathname(page)).toMatch(locationPath)
      await expect(page.locator('.govuk-notification-banner--success').textContent()).resolves.toContain(
        'Location saved',
      )
      expect(await headingText(page)).toBe(name)
      await expect(page.locator('.govuk-caption-l').textContent()).resolves.toContain('E2E Care Homes Ltd')
      expect(await summaryValue(page, 'Service type')).toBe('Care home without nursing')
      expect(await summaryValue(page, 'Registered beds')).toBe('20')
      expect(await summaryValue(page, 'Address')).toContain('NM1 2AB')
      await expectNoAxeViolations(page, 'new location')

      // It is in the list.
      await page.goto(url(`/locations?search=${encodeURIComponent(name)}`))
      expect((await shown(page)).total).toBe(1)
    } finally {
      await context.close()
    }
  })

  it('provider page: an admin invites someone from the provider', async () => {
    const { context, page } = await signedIn(admin.email)
    try {
      await page.goto(url('/locations'))
      await navigateBy(page, () => page.locator(rowLinks).first().click())
      const providerName = (
        (await page.locator('#main-content .govuk-caption-l a').textContent()) ?? ''
      ).trim()
      const opened = await navigateBy(page, () => page.locator('#main-content .govuk-caption-l a').click())
      expect(opened.status()).toBe(200)
      expect(pathname(page)).toMatch(providerPath)
      expect(await headingText(page)).toBe(providerName)
      await expectNoAxeViolations(page, 'provider page as admin')

      // An admin who sees the provider may invite its staff (users.mayInviteToProvider), in the Users section.
      await expect(
        page.getByRole('heading', { name: 'Users', exact: true }).count(),
        'the provider page has a Users section for an admin',
      ).resolves.toBe(1)

      await openDetails(page, 'Invite someone from this provider')
      const invalid = await navigateBy(page, () =>
        page.getByRole('button', { name: 'Send invitation' }).click(),
      )
      expect(invalid.status()).toBe(400)
      expect(await page.title()).toMatch(/^Error: /)
      expect(await errorLinks(page)).toEqual(['#displayName', '#email'])
      await expectNoAxeViolations(page, 'provider page, invitation errors')

      const email = `e2e-provider-${Date.now()}@care.example`
      await openDetails(page, 'Invite someone from this provider')
      await page.locator('#displayName').fill('Pat Provider')
      await page.locator('#email').fill(email)
      const sent = await navigateBy(page, () => page.getByRole('button', { name: 'Send invitation' }).click())
      expect(sent.status()).toBe(200)
      expect(pathname(page)).toMatch(providerPath)
      await expect(page.locator('.govuk-notification-banner--success').textContent()).resolves.toContain(
        'Invitation sent',
      )
      await expect(page.locator('#main-content').textContent()).resolves.toContain(email)
      await expectNoAxeViolations(page, 'provider page, invitation sent')
    } finally {
      await context.close()
    }
  })

  it('CQC import by upload: check, problems, save, list and problem rows', async () => {
    const { context, page } = await signedIn(admin.email)
    try {
      const list = await navigateBy(page, () =>
        page.locator('.govuk-service-navigation__item a', { hasText: 'CQC imports' }).click(),
      )
      expect(list.status()).toBe(200)
      expect(pathname(page)).toBe('/imports')
      expect(await headingText(page)).toBe('CQC imports')
      await expectNoAxeViolations(page, 'CQC imports')

      await navigateBy(page, () => page.getByRole('button', { name: 'Import a CQC file' }).click())
      expect(pathname(page)).toBe('/imports/new')
      expect(await headingText(page)).toBe('Import a CQC file')
      await expectNoAxeViolations(page, 'import a CQC file')

      const noFile = await navigateBy(page, () =>
        page.getByRole('button', { name: 'Check the file' }).click(),
      )
      expect(noFile.status()).toBe(400)
      expect(await page.title()).toMatch(/^Error: /)
      await expect(page.locator('.govuk-error-summary').textContent()).resolves.toContain('Select a CQC file')
      expect(await errorLinks(page)).toEqual(['#file'])
      await expectNoAxeViolations(page, 'import a CQC file, no file')

      await page.setInputFiles('#file', oldhamJsonl)
      await page.getByRole('radio', { name: `Only locations in ${demoCouncil.name}` }).check()
      const checked = await navigateBy(page, () =>
        page.getByRole('button', { name: 'Check the file' }).click(),
      )
      expect(checked.status()).toBe(200)
      expect(pathname(page)).toMatch(importPath)
      const importHref = pathname(page)
      const fileName = path.basename(oldhamJsonl)
      expect(await headingText(page)).toBe(fileName)
      expect(await importStatusTags(page)).toEqual(['Waiting for you to confirm'])

      // Nothing in the file is inside Northmoor: every row is skipped, with its reason.
      const count = async (label: string) =>
        Number(
          (
            (await page
              .locator('#main-content tr', { has: page.locator('th', { hasText: label }) })
              .locator('td')
              .textContent()) ?? ''
          ).replace(/,/g, ''),
        )
      const rowsRead = await count('Rows read')
      expect(rowsRead).toBeGreaterThan(0)
      expect(await count('New locations')).toBe(0)
      expect(await count('Locations updated')).toBe(0)
      expect(await count('Skipped (with reasons)')).toBeGreaterThan(0)
      const problems = page.locator('#main-content table', {
        has: page.locator('caption', { hasText: 'Problems and skipped rows' }),
      })
      expect(await problems.count()).toBe(1)
      const reasons = await problems.locator('tbody tr td:nth-child(4)').allTextContents()
      expect(reasons.length).toBeGreaterThan(0)
      for (const reason of reasons) {
        expect(reason.trim(), 'why a row is skipped').toMatch(/^(Outside|Not an adult social care service)/)
      }
      await expectNoAxeViolations(page, 'import preview')

      const problemRows = await download(page, 'Download the problem rows (CSV)')
      expect(problemRows.name).toMatch(/\.csv$/)
      const problemCsv: string[][] = parse(fs.readFileSync(problemRows.path), { bom: true })
      expect(problemCsv[0]).toEqual(['Row', 'Column', 'Location ID', 'Problem', 'Value'])
      expect(problemCsv.length - 1).toBeGreaterThanOrEqual(reasons.length)

      await navigateBy(page, () => page.getByRole('button', { name: 'Save these changes' }).click())
      expect(pathname(page)).toBe(importHref)
      expect(await waitForImportSaved(page), 'status tags within 20 s of saving').toContain('Saved')
      await expect(page.locator('.govuk-notification-banner--success').textContent()).resolves.toContain(
        'Saved on',
      )
      await expect(page.getByRole('button', { name: 'Save these changes' }).count()).resolves.toBe(0)
      await expectNoAxeViolations(page, 'import saved')

      await page.goto(url('/imports'))
      const listed = page.locator('#main-content tbody tr', { hasText: fileName })
      expect(await listed.count()).toBe(1)
      await expect(listed.locator('.govuk-tag').textContent()).resolves.toContain('Saved')
      await expect(listed.locator('a').getAttribute('href')).resolves.toBe(importHref)
      await expectNoAxeViolations(page, 'CQC imports, one file')
    } finally {
      await context.close()
    }
  })
})
