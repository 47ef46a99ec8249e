import { type ImportProblem, normalisePostcode, type ParsedRow } from './cqc-location.ts'
import type { CqcField } from './headers.ts'
import { valueProblems } from './limits.ts'

// The CQC API's provider records (/providers/{id}), one a line: the providers' own names, addresses,
// Companies House numbers and brands. Locations from the API name only their provider's ID, so until
// this file is imported their providers carry placeholder names (issue 17, item 10).

// A provider as its record gives it. A field the record does not have is undefined: importing the
// record leaves that field as it is.
export type CqcProvider = {
  cqcProviderId: string
  name: string
  addressLine1?: string | null
  addressLine2?: string | null
  town?: string | null
  postcode?: string | null
  companiesHouseNumber?: string | null
  ownership?: string | null
  brandId?: string | null
  brandName?: string | null
}

export type ProviderFact = Exclude<keyof CqcProvider, 'cqcProviderId'>
export const providerFacts = [
  'name',
  'addressLine1',
  'addressLine2',
  'town',
  'postcode',
  'companiesHouseNumber',
  'ownership',
  'brandId',
  'brandName',
] as const satisfies readonly ProviderFact[]

export type ProviderRow = { rowNumber: number; provider: CqcProvider }

// The name a provider is given when it is created from a location that does not name it.
export const placeholderProviderName = (cqcProviderId: string) => `CQC provider ${cqcProviderId}`
export const isPlaceholderProviderName = (name: string) => name.startsWith('CQC provider ')

// A file is a providers file when its records have provider IDs and none is a location's.
export function isProvidersFile(records: Record<string, unknown>[]): boolean {
  return (
    records.length > 0 &&
    !records.some((r) => 'locationId' in r) &&
    records.some((r) => 'providerId' in r && (r.organisationType === 'Provider' || 'locationIds' in r))
  )
}

const providerIdPattern = /^1-\d{9,12}$/
// Companies House numbers are 8 characters: digits, or two letters and six digits (SC, NI, IP, …).
const companiesHousePattern = /^[A-Z0-9]{1,8}$/

// The API's field for each fact, as the problems list names it.
const apiField: Record<ProviderFact | 'cqcProviderId', string> = {
  cqcProviderId: 'providerId',
  name: 'name',
  addressLine1: 'postalAddressLine1',
  addressLine2: 'postalAddressLine2',
  town: 'postalAddressTownCity',
  postcode: 'postalCode',
  companiesHouseNumber: 'companiesHouseNumber',
  ownership: 'ownershipType',
  brandId: 'brandId',
  brandName: 'brandName',
}

// One record: the provider, or the row's problems (as a ParsedRow, so they join the problems list).
export function readProviderRecord(
  item: Record<string, unknown>,
  rowNumber: number,
): ProviderRow | Extract<ParsedRow, { outcome: 'error' }> {
  const problems: ImportProblem[] = []
  const problem = (fact: ProviderFact | 'cqcProviderId' | null, reason: string, value?: string) =>
    problems.push({ rowNumber, column: fact ? apiField[fact] : null, reason, value })
  const id = text(item.providerId)
  if ('locationId' in item)
    problem(null, 'This is a location’s record, not a provider’s', text(item.locationId) ?? '')
  if (id === null) problem('cqcProviderId', 'The provider ID is missing')
  else if (!providerIdPattern.test(id))
    problem('cqcProviderId', 'This is not a CQC provider ID (1- and 9 to 12 digits)', id)
  const name = text(item.name)
  if (name === null) problem('name', 'The provider’s name is missing')
  const provider: CqcProvider = { cqcProviderId: id ?? '', name: name ?? '' }
  for (const fact of providerFacts) {
    if (fact === 'name' || !(apiField[fact] in item)) continue
    provider[fact] = text(item[apiField[fact]])
  }
  if (provider.postcode) provider.postcode = normalisePostcode(provider.postcode)
  if (provider.companiesHouseNumber) {
    // As the directory files are read (check-row.ts): a numeric one with its leading zeros.
    const tidied = provider.companiesHouseNumber.replace(/\s+/g, '').toUpperCase()
    const number = /^\d{1,7}$/.test(tidied) ? tidied.padStart(8, '0') : tidied
    if (!companiesHousePattern.test(number))
      problem(
        'companiesHouseNumber',
        'This is not a Companies House number (up to 8 letters and digits)',
        number,
      )
    provider.companiesHouseNumber = number
  }
  // Held to the limits of the location's fields of the same kind (the brand's to the ODS code's and
  // the rating's: an ID and a short text).
  const texts: Partial<Record<CqcField, string | null>> = {
    providerId: id,
    providerName: name,
    addressLine1: provider.addressLine1 ?? null,
    addressLine2: provider.addressLine2 ?? null,
    town: provider.town ?? null,
    postcode: provider.postcode ?? null,
    providerOwnership: provider.ownership ?? null,
    odsCode: provider.brandId ?? null,
    rating: provider.brandName ?? null,
  }
  const columnOf: Partial<Record<CqcField, string>> = {
    providerName: 'name',
    providerOwnership: 'ownershipType',
    odsCode: 'brandId',
    rating: 'brandName',
    addressLine1: 'postalAddressLine1',
    addressLine2: 'postalAddressLine2',
    town: 'postalAddressTownCity',
    postcode: 'postalCode',
  }
  for (const p of valueProblems(texts, (f) => columnOf[f] ?? f)) {
    problems.push({ rowNumber, column: columnOf[p.field] ?? p.field, reason: p.reason, value: p.value })
  }
  if (problems.length === 0) return { rowNumber, provider }
  return { rowNumber, outcome: 'error', cqcLocationId: null, problems }
}

// A repeated provider ID is the later row's problem.
export function repeatedProvider(
  row: ProviderRow,
  firstRow: number,
): Extract<ParsedRow, { outcome: 'error' }> {
  const id = row.provider.cqcProviderId
  return {
    rowNumber: row.rowNumber,
    outcome: 'error',
    cqcLocationId: null,
    problems: [
      {
        rowNumber: row.rowNumber,
        column: 'providerId',
        reason: `Provider ID ${id} appears more than once in this file (first on row ${firstRow})`,
        value: id,
      },
    ],
  }
}

function text(value: unknown): string | null {
  if (typeof value === 'string') return value.trim() === '' ? null : value.trim()
  if (typeof value === 'number') return String(value)
  return null
}

// --- Planning: what the file changes in the stored providers ------------------------------------

export type ExistingProvider = { id: string; cqcProviderId: string } & Record<ProviderFact, string | null>

export type ProviderChange = { field: ProviderFact; before: string | null; after: string | null }

export type ProviderPlan = {
  create: ProviderRow[]
  update: { rowNumber: number; id: string; provider: CqcProvider; changes: ProviderChange[] }[]
  unchanged: number
}

// What a preview says a providers file will do, counted by kind of change.
export type ProviderCounts = {
  create: number
  named: number
  renamed: number
  address: number
  companiesHouseNumber: number
  brand: number
  unchanged: number
}

const addressFacts: readonly ProviderFact[] = ['addressLine1', 'addressLine2', 'town', 'postcode']

export function planProviders(rows: ProviderRow[], existing: ExistingProvider[]): ProviderPlan {
  const byCqcId = new Map(existing.map((e) => [e.cqcProviderId, e]))
  const plan: ProviderPlan = { create: [], update: [], unchanged: 0 }
  for (const row of rows) {
    const stored = byCqcId.get(row.provider.cqcProviderId)
    if (!stored) {
      plan.create.push(row)
      continue
    }
    const changes: ProviderChange[] = []
    for (const field of providerFacts) {
      const after = row.provider[field]
      if (after === undefined || after === stored[field]) continue
      changes.push({ field, before: stored[field], after })
    }
    if (changes.length)
      plan.update.push({ rowNumber: row.rowNumber, id: stored.id, provider: row.provider, changes })
    else plan.unchanged++
  }
  return plan
}

export function providerCounts(plan: ProviderPlan): ProviderCounts {
  const changed = (facts: readonly ProviderFact[]) =>
    plan.update.filter((u) => u.changes.some((c) => facts.includes(c.field))).length
  const names = plan.update.flatMap((u) => u.changes.filter((c) => c.field === 'name'))
  const placeholder = names.filter((c) => c.before === null || isPlaceholderProviderName(c.before)).length
  return {
    create: plan.create.length,
    named: placeholder,
    renamed: names.length - placeholder,
    address: changed(addressFacts),
    companiesHouseNumber: changed(['companiesHouseNumber']),
    brand: changed(['brandId', 'brandName']),
    unchanged: plan.unchanged,
  }
}
