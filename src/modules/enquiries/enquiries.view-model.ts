import { contactCategories, contactCategoryNames } from '../../domain/contact-categories.ts'
import { enquiryChannelNames, enquiryStatusNames, type TrendTable } from './domain/enquiry.rules.ts'

// What the enquiries' and the FAQ's pages show, in words.

export const names = { contactCategoryNames, enquiryStatusNames, enquiryChannelNames }

export const categoryRadios = (selected: string) =>
  contactCategories.map((c) => ({ value: c, text: contactCategoryNames[c], checked: c === selected }))

export const selectItems = (pairs: [string, string][], selected: string) =>
  pairs.map(([value, label]) => ({ value, text: label, selected: value === selected }))

// Every category, after a first choice meaning "any".
export const categoryOptions = (any: string, selected: string) =>
  selectItems(
    [['', any], ...contactCategories.map((c) => [c, contactCategoryNames[c]] as [string, string])],
    selected,
  )

// The trends table a week a row, the latest first (issue 18): the weeks people ask about are on
// screen first, and seven categories fit across a desktop page where twelve weeks did not.
export function trendWeeksLatestFirst(table: TrendTable) {
  return table.weeks
    .map((week, i) => ({ week, counts: table.rows.map((r) => r.counts[i]!), total: table.weekTotals[i]! }))
    .reverse()
}
