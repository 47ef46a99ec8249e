import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parseCqcFile } from './parse.ts'
import { type ExistingProvider, planProviders, providerCounts, type ProviderRow } from './providers-file.ts'

const fixture = readFileSync(
  new URL('../../../../../test/fixtures/cqc/cqc_api_oldham_providers_raw.jsonl', import.meta.url),
)
// The fixture's records, read here without the importer.
const raw = fixture
  .toString('utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as Record<string, unknown>)

const parseProviders = (content: Buffer | string, fileName = 'providers.jsonl') =>
  parseCqcFile({ fileName, content: Buffer.from(content) })

describe('the CQC providers file (API JSON lines)', () => {
  it('is recognised by its shape and every real record is read as a provider', async () => {
    const parsed = await parseProviders(fixture)
    expect(parsed.format).toBe('cqc-api-providers-jsonl')
    expect(parsed.fileProblems).toEqual([])
    expect(parsed.rows).toEqual([])
    expect(parsed.providers).toHaveLength(raw.length)
    expect(raw.length).toBe(20)
    const byId = new Map(parsed.providers!.map((r) => [r.provider.cqcProviderId, r.provider]))
    for (const record of raw) {
      const p = byId.get(record.providerId as string)!
      expect(p.name).toBe((record.name as string).trim())
      expect(p.addressLine1).toBe(record.postalAddressLine1)
      expect(p.town).toBe(record.postalAddressTownCity)
      expect(p.postcode).toBe(record.postalCode)
      // A field the record does not have is left out, so that importing it leaves the stored one.
      expect(p.companiesHouseNumber).toBe(record.companiesHouseNumber)
      expect(p.brandName).toBe(record.brandName)
      expect(p.ownership).toBe(record.ownershipType)
    }
    const withNumber = raw.filter((r) => 'companiesHouseNumber' in r).length
    expect(parsed.providers!.filter((r) => r.provider.companiesHouseNumber).length).toBe(withNumber)
    expect(byId.get('1-101611810')!.brandName).toBe('BRAND Guinness Care and Support Limited')
  })

  it('lists faulty lines as problems and reads the rest', async () => {
    const lines = fixture.toString('utf8').trimEnd().split('\n')
    const bad = [
      ...lines.slice(0, 3),
      '{"providerId": "1-101611810", "name": "Again"',
      JSON.stringify({ providerId: 'P-12', name: 'Not an ID', organisationType: 'Provider' }),
      JSON.stringify({ providerId: '1-999999999', organisationType: 'Provider' }),
      JSON.stringify({
        providerId: '1-999999998',
        name: 'Bad number',
        companiesHouseNumber: '12 345 678 90',
      }),
      lines[0]!,
    ].join('\n')
    const parsed = await parseProviders(bad)
    expect(parsed.format).toBe('cqc-api-providers-jsonl')
    expect(parsed.providers).toHaveLength(3)
    const reasons = parsed.rows.map((r) =>
      r.outcome === 'error' ? [r.rowNumber, r.problems[0]!.reason] : [],
    )
    expect(reasons).toEqual([
      [4, 'Line is not valid JSON'],
      [5, 'This is not a CQC provider ID (1- and 9 to 12 digits)'],
      [6, 'The provider’s name is missing'],
      [7, 'This is not a Companies House number (up to 8 letters and digits)'],
      [8, 'Provider ID 1-1004515435 appears more than once in this file (first on row 1)'],
    ])
  })

  it('a locations file is still a locations file', async () => {
    const parsed = await parseProviders(
      JSON.stringify({ locationId: '1-130482328', providerId: '1-101611810' }),
    )
    expect(parsed.format).toBe('cqc-api-jsonl')
    expect(parsed.providers).toBeUndefined()
  })
})

describe('planning a providers file', () => {
  const stored = (over: Partial<ExistingProvider>): ExistingProvider => ({
    id: 'p1',
    cqcProviderId: '1-101614967',
    name: 'CQC provider 1-101614967',
    addressLine1: null,
    addressLine2: null,
    town: null,
    postcode: null,
    companiesHouseNumber: null,
    ownership: null,
    brandId: null,
    brandName: null,
    ...over,
  })
  const row = (provider: ProviderRow['provider']): ProviderRow => ({ rowNumber: 1, provider })

  it('names placeholders, renames, fills, and leaves what a record does not carry', () => {
    const plan = planProviders(
      [
        row({
          cqcProviderId: '1-101614967',
          name: 'Riseway Care Homes Limited',
          companiesHouseNumber: '03550909',
        }),
        row({ cqcProviderId: '1-101630228', name: 'Mr Charles Jones and Mrs Sally Jones', town: 'Oldham' }),
        row({ cqcProviderId: '1-101662271', name: 'Northern Care Homes Limited' }),
        row({ cqcProviderId: '1-101662280', name: 'Woodlands Residential Care Home Limited' }),
      ],
      [
        stored({}),
        stored({ id: 'p2', cqcProviderId: '1-101630228', name: 'C and S Jones', companiesHouseNumber: 'X1' }),
        stored({ id: 'p3', cqcProviderId: '1-101662271', name: 'Northern Care Homes Limited' }),
      ],
    )
    expect(plan.create.map((r) => r.provider.cqcProviderId)).toEqual(['1-101662280'])
    expect(plan.unchanged).toBe(1)
    expect(plan.update.map((u) => u.changes.map((c) => c.field))).toEqual([
      ['name', 'companiesHouseNumber'],
      ['name', 'town'],
    ])
    expect(providerCounts(plan)).toEqual({
      create: 1,
      named: 1,
      renamed: 1,
      address: 1,
      companiesHouseNumber: 1,
      brand: 0,
      unchanged: 1,
    })
  })
})
