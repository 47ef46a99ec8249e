import { isoDateFromParts } from '../../../domain/dates.ts'

// A calendar day as spreadsheets write it: 2020-04-14, or day first as UK spreadsheets do (14/04/2020),
// as an ISO date; null when it is neither or not on the calendar (31/02/2020). The capacity tracker's
// dates may carry a time after the day (`timeMayFollow`); an upload's may not.
export function writtenDate(text: string, options: { timeMayFollow?: boolean } = {}): string | null {
  const end = options.timeMayFollow ? '' : '$'
  const iso = new RegExp(`^(\\d{4})-(\\d{1,2})-(\\d{1,2})${end}`).exec(text)
  if (iso) return isoDateFromParts({ year: iso[1]!, month: iso[2]!, day: iso[3]! })
  const uk = new RegExp(`^(\\d{1,2})/(\\d{1,2})/(\\d{4})${end}`).exec(text)
  if (uk) return isoDateFromParts({ year: uk[3]!, month: uk[2]!, day: uk[1]! })
  return null
}
