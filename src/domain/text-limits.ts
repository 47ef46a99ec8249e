// The longest text CareHub keeps in each kind of field, in characters after trimming: one list, so every
// form, the API and the uploads say the same. A return's own free-text figures take theirs from the
// dataset (src/modules/returns/domain/dataset.ts, `max`: 2,000 for "concerns").
export const textLimits = {
  // People, organisations, locations and providers.
  name: 200,
  // RFC 5321: the longest address a mail server must accept.
  email: 254,
  phone: 50,
  jobTitle: 200,
  addressLine: 200,
  town: 100,
  area: 100,
  // An API token's label.
  tokenName: 100,
  // Why a return was changed (web form, upload and API).
  amendmentReason: 5000,
  // What happened when a late return was chased.
  chaseNote: 1000,
  // The contact log.
  spokeTo: 200,
  contactText: 2000,
  // Enquiries and the FAQ.
  enquiryQuestion: 4000,
  enquiryAnswer: 8000,
  // Casework: a note resolving an alert or closing a case, an action, intelligence from a partner.
  caseNote: 2000,
  caseAction: 1000,
  intelligenceTitle: 120,
  intelligenceReport: 4000,
} as const

// What is wrong with text PostgreSQL cannot store, or null: a NUL character, or half of a UTF-16
// surrogate pair (jsonb refuses one; text would silently become a replacement character).
export function unstorableText(text: string): string | null {
  if (/\0/.test(text)) return 'contains a NUL character (code 0), which CareHub cannot store'
  if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text))
    return 'contains an incomplete character (half of a UTF-16 surrogate pair): send it as valid Unicode'
  return null
}

// "Name must be 200 characters or fewer", or null when the text fits.
export function tooLong(label: string, value: string, limit: number): string | null {
  return value.length > limit ? `${label} must be ${limit.toLocaleString('en-GB')} characters or fewer` : null
}
