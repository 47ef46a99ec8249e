import type { Locator, Page } from 'playwright-core'

// One row of the provider manager's "Your returns" table on the home page.
export type ReturnRow = {
  id: string
  name: string
  serviceType: string // as shown: "Care home with nursing"
  frequency: string // daily, weekly, monthly
  period: string // as shown: "23 November 2026"
  status: string // Due, Overdue, Sent, Sent late, Not open yet
  canReport: boolean
  canRepeat: boolean // offers "Nothing changed"
}

// A locator's text as a person reads it: whitespace collapsed, ends trimmed.
export async function textOf(locator: Locator): Promise<string> {
  return ((await locator.textContent()) ?? '').replace(/\s+/g, ' ').trim()
}

export async function textsOf(locator: Locator): Promise<string[]> {
  return (await locator.allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim())
}

export const notSent = (row: ReturnRow) => row.status !== 'Sent' && row.status !== 'Sent late'
export const isCareHome = (row: ReturnRow) => row.serviceType.startsWith('Care home')

const returnsTable = '#main-content table.govuk-table:has(caption:text("Your locations and today"))'

export async function yourReturns(page: Page): Promise<ReturnRow[]> {
  const rows = await page.locator(`${returnsTable} tbody tr`).evaluateAll((trs) =>
    trs.map((tr) => {
      const cells = tr.querySelectorAll('td')
      const link = cells[0]?.querySelector('a')
      const about = (cells[0]?.querySelector('.govuk-body-s')?.textContent ?? '').trim()
      const actions = Array.from(cells[2]?.querySelectorAll('a') ?? []).map(
        (a) => a.getAttribute('href') ?? '',
      )
      return {
        href: link?.getAttribute('href') ?? '',
        name: (link?.textContent ?? '').trim(),
        about,
        status: (cells[1]?.querySelector('.govuk-tag')?.textContent ?? '').trim(),
        canReport: actions.some((h) => h.endsWith('/returns/new')),
        canRepeat: actions.some((h) => h.endsWith('/returns/nothing-changed')),
      }
    }),
  )
  return rows.map(({ href, about, ...row }) => {
    // "Care home with nursing, daily from 23 November 2026"
    const match = /^(.+), (daily|weekly|monthly) from (.+)$/.exec(about)
    return {
      ...row,
      id: href.replace(/^\/locations\//, ''),
      serviceType: match?.[1] ?? about,
      frequency: match?.[2] ?? '',
      period: match?.[3] ?? '',
    }
  })
}

// The "Report" and "Nothing changed" links of one location on the home page.
export function reportLink(page: Page, locationId: string): Locator {
  return page.locator(`${returnsTable} a[href="/locations/${locationId}/returns/new"]`)
}

export function nothingChangedLink(page: Page, locationId: string): Locator {
  return page.locator(`${returnsTable} a[href="/locations/${locationId}/returns/nothing-changed"]`)
}

export function statusOf(page: Page, locationId: string): Promise<string> {
  return textOf(
    page
      .locator(`${returnsTable} tbody tr`, { has: page.locator(`a[href="/locations/${locationId}"]`) })
      // The second cell is the return's status; a later cell holds the location's RAG.
      .locator('td')
      .nth(1)
      .locator('.govuk-tag'),
  )
}

const returnForm = 'form[action$="/returns/check"]'

// The names of the fields a person fills in, in the order of the form (no hidden inputs).
export async function returnFieldNames(page: Page): Promise<string[]> {
  const names = await page
    .locator(`${returnForm} :is(input:not([type="hidden"]), textarea, select)`)
    .evaluateAll((els) => els.map((el) => el.getAttribute('name') ?? ''))
  return [...new Set(names)]
}

export async function sectionHeadings(page: Page): Promise<string[]> {
  return textsOf(page.locator(`${returnForm} h2`))
}

// What a person reads as the question of a field: its label, or the legend of its radios or checkboxes.
export async function questionOf(page: Page, key: string): Promise<string> {
  return page.locator(`[id="${key}"]`).evaluate((el) => {
    const input = el as HTMLInputElement
    const grouped = input.type === 'radio' || input.type === 'checkbox'
    const label = grouped
      ? input.closest('fieldset')?.querySelector('legend')
      : document.querySelector(`label[for="${input.id}"]`)
    // The question as check your answers shows it: without the form's "(optional)".
    return (label?.textContent ?? '').trim().replace(/ \(optional\)$/, '')
  })
}

// Fills the return form: text for inputs and text areas, the value for radios, values for checkboxes.
export async function fillReturn(page: Page, answers: Record<string, string | string[]>) {
  for (const [key, answer] of Object.entries(answers)) {
    const type = await page.locator(`[id="${key}"]`).evaluate((el) => (el as HTMLInputElement).type)
    if (type === 'radio' || type === 'checkbox') {
      const values = Array.isArray(answer) ? answer : [answer]
      const boxes = page.locator(`${returnForm} input[name="${key}"]`)
      for (const box of await boxes.all()) {
        const value = await box.getAttribute('value')
        if (values.includes(value ?? '')) await box.check()
        else if (type === 'checkbox') await box.uncheck()
      }
    } else {
      await page.locator(`[id="${key}"]`).fill(Array.isArray(answer) ? answer.join(',') : answer)
    }
  }
}

// The rows of the summary lists on the check-your-answers and return pages, question → answer.
export async function summaryAnswers(page: Page): Promise<Map<string, string>> {
  const pairs = await page
    .locator('#main-content .govuk-summary-list__row')
    .evaluateAll((rows) =>
      rows.map((r) => [
        (r.querySelector('.govuk-summary-list__key')?.textContent ?? '').trim(),
        (r.querySelector('.govuk-summary-list__value')?.textContent ?? '').trim().replace(/\s+/g, ' '),
      ]),
    )
  return new Map(pairs as [string, string][])
}

export type HistoryRow = { href: string; period: string; version: string; sent: string; how: string }

export async function historyRows(page: Page): Promise<HistoryRow[]> {
  return page.locator('#main-content table.govuk-table tbody tr').evaluateAll((rows) =>
    rows.map((r) => {
      const cell = (i: number) => (r.querySelectorAll('td')[i]?.textContent ?? '').trim().replace(/\s+/g, ' ')
      return {
        href: r.querySelector('td a')?.getAttribute('href') ?? '',
        period: cell(0),
        version: cell(1),
        sent: cell(2),
        how: cell(3),
      }
    }),
  )
}

export async function errorSummaryLinks(page: Page): Promise<string[]> {
  return page
    .locator('.govuk-error-summary .govuk-error-summary__list a')
    .evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''))
}
