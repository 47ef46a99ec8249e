import type { Page } from 'playwright-core'

// The worklist's rows as an officer reads them: location, RAG, alerts, age, owner, next action.
export async function worklistRows(page: Page) {
  return page.locator('table.carehub-worklist tbody tr').evaluateAll((rows) =>
    rows.map((row) => {
      const cells = Array.from(row.querySelectorAll('td')).map((td) =>
        (td.textContent ?? '').replace(/\s+/g, ' ').trim(),
      )
      const link = row.querySelector('td a.govuk-link')
      return {
        location: (link?.textContent ?? '').trim(),
        href: link?.getAttribute('href') ?? '',
        rag: cells[1] ?? '',
        alerts: cells[2] ?? '',
        opened: cells[3] ?? '',
        owner: cells[4] ?? '',
        nextAction: cells[5] ?? '',
      }
    }),
  )
}

// The case page's summary list, key → value.
export async function caseSummary(page: Page): Promise<Map<string, string>> {
  const pairs = await page
    .locator('#main-content > .govuk-summary-list .govuk-summary-list__row')
    .evaluateAll((rows) =>
      rows.map((r) => [
        (r.querySelector('dt')?.textContent ?? '').trim(),
        (r.querySelector('dd')?.textContent ?? '').replace(/\s+/g, ' ').trim(),
      ]),
    )
  return new Map(pairs as [string, string][])
}

export async function actionRows(page: Page) {
  return page
    .locator('h2#actions + table tbody tr')
    .evaluateAll((rows) =>
      rows.map((r) =>
        Array.from(r.querySelectorAll('td')).map((td) => (td.textContent ?? '').replace(/\s+/g, ' ').trim()),
      ),
    )
}

// Tomorrow's date in London, as the day, month and year a person types.
export function tomorrowInLondon(): { day: string; month: string; year: string; long: string } {
  const tomorrow = new Date(Date.now() + 86_400_000)
  const [year, month, day] = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' })
    .format(tomorrow)
    .split('-')
  const long = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/London',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  }).format(tomorrow)
  return { day: String(Number(day)), month: String(Number(month)), year: year!, long }
}
