import type { Page } from 'playwright-core'

// The contact log and enquiry pages as a person sees them: labels, headings and links.

// Day, month and year of a London date some days from now, as a person would type them.
export function londonDateParts(daysFromNow: number): { day: string; month: string; year: string } {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/London',
    day: 'numeric',
    month: 'numeric',
    year: 'numeric',
  }).formatToParts(new Date(Date.now() + daysFromNow * 86_400_000))
  const part = (type: string) => parts.find((p) => p.type === type)!.value
  return { day: part('day'), month: part('month'), year: part('year') }
}

export async function fillDate(
  page: Page,
  prefix: string,
  date: { day: string; month: string; year: string },
) {
  await page.locator(`[name="${prefix}-day"]`).fill(date.day)
  await page.locator(`[name="${prefix}-month"]`).fill(date.month)
  await page.locator(`[name="${prefix}-year"]`).fill(date.year)
}

export async function contactBanner(page: Page): Promise<string> {
  return ((await page.locator('#contact-banner').textContent()) ?? '').replace(/\s+/g, ' ').trim()
}

export async function errorSummaryTexts(page: Page): Promise<string[]> {
  return (await page.locator('.govuk-error-summary a').allTextContents()).map((t) => t.trim())
}

// The ids of the locations linked from a provider manager's home page, in order.
export async function ownLocationIds(page: Page): Promise<string[]> {
  const hrefs = await page
    .locator('#main-content table a.govuk-link[href^="/locations/"]')
    .evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''))
  return [
    ...new Set(
      hrefs
        .map((h) => /^\/locations\/([0-9a-f-]{36})$/.exec(h)?.[1])
        .filter((id): id is string => Boolean(id)),
    ),
  ]
}
