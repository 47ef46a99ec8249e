import { contactCategories, contactCategoryNames } from '../../domain/contact-categories.ts'
import { enquiryChannelNames, enquiryStatusNames } from './domain/enquiry.rules.ts'

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
