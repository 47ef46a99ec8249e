import type { ParsedRow } from './cqc-location.ts'
import { localAuthorityNames } from './local-authority-names.ts'

// Councils are written many ways: "Oldham", "Oldham Council", "Oldham Metropolitan Borough Council",
// "Bristol, City of", "City of Bristol", "Royal Borough of Windsor & Maidenhead", "County Durham".
const prefixes = [
  'the ',
  'council of the ',
  'london borough of ',
  'royal borough of ',
  'metropolitan borough of ',
  'borough of ',
  'city and county of ',
  'city of ',
  'county of ',
  'county ',
]
const suffixes = [
  ' metropolitan borough council',
  ' metropolitan district council',
  ' county borough council',
  ' borough council',
  ' district council',
  ' county council',
  ' city council',
  ' council',
  ' metropolitan borough',
  ' borough',
  ' city of',
  ' county of',
]

export function localAuthorityKey(name: string): string {
  let key = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
  let changed = true
  while (changed) {
    changed = false
    for (const prefix of prefixes) {
      if (key.startsWith(prefix) && key.length > prefix.length) {
        key = key.slice(prefix.length)
        changed = true
      }
    }
    for (const suffix of suffixes) {
      if (key.endsWith(suffix) && key.length > suffix.length) {
        key = key.slice(0, -suffix.length)
        changed = true
      }
    }
  }
  // What is left must name a place: "County Council" alone names none.
  return genericWords.has(key) ? '' : key
}

const genericWords = new Set(['council', 'county', 'borough', 'city', 'district', 'metropolitan', 'the'])

// The ONS codes each way of writing a council's name stands for (a name can stand for two: North
// Yorkshire's county council and its unitary council since 2023).
const codesByKey = new Map<string, Set<string>>()
for (const [code, ...names] of localAuthorityNames) {
  for (const name of names) {
    const key = localAuthorityKey(name)
    codesByKey.set(key, (codesByKey.get(key) ?? new Set()).add(code))
  }
}

export function onsCodesOf(name: string | null): ReadonlySet<string> {
  return (name && codesByKey.get(localAuthorityKey(name))) || new Set()
}

// Two names for one council: the same once the usual words are set aside ("Oldham" and "Oldham
// Council"), or known names of one council ("Hull City Council" and "Kingston upon Hull").
export function sameLocalAuthority(a: string | null, b: string | null): boolean {
  if (!a || !b) return false
  const keyA = localAuthorityKey(a)
  if (keyA === '') return false
  if (keyA === localAuthorityKey(b)) return true
  const codesB = onsCodesOf(b)
  return [...onsCodesOf(a)].some((code) => codesB.has(code))
}

// Whether a council here answers to a local authority's name in a file: by its ONS code where it has
// one, else by its name.
export function councilAnswersTo(
  council: { name: string; onsCode: string | null },
  authority: string | null,
) {
  if (council.onsCode && onsCodesOf(authority).has(council.onsCode)) return true
  return sameLocalAuthority(council.name, authority)
}

// Sets aside what is outside the council's area; rows that could not be placed stay as they are.
export function restrictToArea(rows: ParsedRow[], area: { localAuthorityName: string } | null): ParsedRow[] {
  if (area === null) return rows
  const reason = `Outside ${area.localAuthorityName}`
  return rows.map((row): ParsedRow => {
    if (
      row.outcome === 'location' &&
      !sameLocalAuthority(row.location.localAuthorityName, area.localAuthorityName)
    ) {
      return {
        rowNumber: row.rowNumber,
        outcome: 'skip',
        cqcLocationId: row.location.cqcLocationId,
        name: row.location.name,
        reason,
      }
    }
    // A faulty row from another council's area is that council's business.
    if (
      row.outcome === 'error' &&
      row.localAuthorityName &&
      !sameLocalAuthority(row.localAuthorityName, area.localAuthorityName)
    ) {
      return {
        rowNumber: row.rowNumber,
        outcome: 'skip',
        cqcLocationId: row.cqcLocationId,
        name: null,
        reason,
      }
    }
    return row
  })
}
