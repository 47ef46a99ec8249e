// CQC files write dates three ways, sometimes in the same file: ISO ("2011-02-01", or with a time),
// UK day-first ("01/02/2011"), and the US-style export "2/1/2011 12:00:00 AM" – month first, which the
// AM/PM gives away (in "with filters" its Publication Date always equals the ISO HSCA start date).
const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/
const slashed = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?\s*([AaPp][Mm])?)?$/

// ISO yyyy-mm-dd, or null when the text is not a real date.
export function parseCqcDate(text: string): string | null {
  const value = text.trim()
  const isoMatch = iso.exec(value)
  if (isoMatch) return isoDate(Number(isoMatch[1]), Number(isoMatch[2]), Number(isoMatch[3]))
  const slashMatch = slashed.exec(value)
  if (slashMatch) {
    const first = Number(slashMatch[1])
    const second = Number(slashMatch[2])
    const year = Number(slashMatch[3])
    return slashMatch[4] ? isoDate(year, first, second) : isoDate(year, second, first)
  }
  return null
}

function isoDate(year: number, month: number, day: number): string | null {
  const date = new Date(Date.UTC(year, month - 1, day))
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return null
  }
  if (year < 1900 || year > 2200) return null
  return date.toISOString().slice(0, 10)
}
