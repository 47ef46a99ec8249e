import type { CqcField } from './headers.ts'

// What CareHub can store from a CQC row. A value past these limits is the row's problem, shown in the
// preview by row and column, never a failed save: PostgreSQL refuses a null byte in text, a broken
// UTF-16 character in the audit record's JSON, a number past its integer type and an index entry over
// about 2,700 bytes, and any of those in a save would lose the whole file.

// England's largest care homes have a few hundred beds; the integer column holds about 2 billion.
export const maxRegisteredBeds = 10_000

// Ten times the longest value in CQC's own files (a name of 100 characters, an address line of 63),
// and short enough for the indexes on names and IDs.
const longText = 500
const shortText = 50
export const maxTextLength: Partial<Record<CqcField, number>> = {
  name: longText,
  providerName: longText,
  providerOwnership: longText,
  addressLine1: longText,
  addressLine2: longText,
  town: longText,
  localAuthority: longText,
  rating: longText,
  locationId: shortText,
  providerId: shortText,
  providerCompaniesHouseNumber: shortText,
  odsCode: shortText,
  postcode: shortText,
}
// Texts read only to classify a row (service types, categories, links) are never stored, but are
// still held to a bound so a problem list quoting them stays readable.
const otherTextLength = 5_000

// A null byte, or half of a UTF-16 surrogate pair (a JSON file may escape one on its own, "\ud800").
// biome-ignore lint/suspicious/noControlCharactersInRegex: the null byte is the character looked for
const unstorable = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

export type ValueProblem = { field: CqcField; reason: string; value: string }

// The problems with a row's texts, each naming its column as the file does.
export function valueProblems(
  texts: Partial<Record<CqcField, string | null>>,
  columnOf: (field: CqcField) => string,
): ValueProblem[] {
  const problems: ValueProblem[] = []
  for (const [field, text] of Object.entries(texts) as [CqcField, string | null][]) {
    if (text === null || text === undefined) continue
    if (unstorable.test(text)) {
      problems.push({
        field,
        reason: `${columnOf(field)} contains a character CareHub cannot store (a null byte or a broken character): correct it in the file`,
        value: shownValue(text),
      })
      continue
    }
    const limit = maxTextLength[field] ?? otherTextLength
    if (text.length > limit) {
      problems.push({
        field,
        reason: `${columnOf(field)} must be ${limit.toLocaleString('en-GB')} characters or fewer (it has ${text.length.toLocaleString('en-GB')})`,
        value: shownValue(text),
      })
    }
  }
  return problems
}

// A whole number of beds CareHub can store, or the reason it cannot.
export function bedsProblem(text: string, column: string): string | null {
  const problem = `${column} must be a whole number from 0 to ${maxRegisteredBeds.toLocaleString('en-GB')}`
  if (!/^\d+$/.test(text)) return problem
  return Number(text) > maxRegisteredBeds ? problem : null
}

// A value as a problem list can show and store it: characters that cannot be stored replaced, and a
// long value cut short.
export function shownValue(text: string): string {
  const storable = storableText(text)
  return storable.length > 100 ? `${storable.slice(0, 100)}…` : storable
}

// Any text made storable: null bytes and broken characters become the replacement character.
export function storableText(text: string): string {
  return unstorable.test(text) ? text.replace(new RegExp(unstorable.source, 'g'), '\ufffd') : text
}
