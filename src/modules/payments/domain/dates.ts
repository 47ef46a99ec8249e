// Calendar days as ISO dates (2020-03-19), counted the way the schemes pay: both ends included. Pure.

const dayMs = 86_400_000
const toDay = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / dayMs
const fromDay = (day: number) => new Date(day * dayMs).toISOString().slice(0, 10)

export function addDays(iso: string, days: number): string {
  return fromDay(toDay(iso) + days)
}

// Days from the first to the last, both counted: 19 March to 31 March is 13 days.
export function daysInclusive(first: string, last: string): number {
  return toDay(last) - toDay(first) + 1
}

export type DateRange = { from: string; to: string }

// Where the ranges meet (an open end is null), or null when they do not.
export function overlap(...ranges: { from: string; to: string | null }[]): DateRange | null {
  let from = ranges[0]!.from
  let to: string | null = null
  for (const r of ranges) {
    if (r.from > from) from = r.from
    if (r.to !== null && (to === null || r.to < to)) to = r.to
  }
  if (to === null || to < from) return null
  return { from, to }
}

const inWords = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'UTC',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
})

// "2020-03-19" → "19 March 2020".
export function dayInWords(iso: string): string {
  return inWords.format(new Date(`${iso}T00:00:00Z`))
}
