import { describe, expect, it } from 'vitest'
import { recipientId, threeSixtyGivingPackage } from './three-sixty-giving.ts'

// Written from the 360Giving Data Standard's schema (360-giving-schema.json, "required") and its
// identifier guidance: a grant must have id, title, description, currency, amountAwarded, awardDate,
// recipientOrganization and fundingOrganization; each organisation (an array of at least one) must
// have id and name, both strings; currency is an ISO 4217 code; amounts are numbers (no currency sign,
// no commas); dates are YYYY-MM-DD; grant identifiers carry a 360G- prefix; organisation identifiers
// are org-id.guide codes: GB-LAE- (local authorities in England), GB-COH- (Companies House), GB-CHC-
// (Charity Commission for England and Wales).
const requiredGrantFields = [
  'id',
  'title',
  'description',
  'currency',
  'amountAwarded',
  'awardDate',
  'recipientOrganization',
  'fundingOrganization',
]
const isoDate = /^[0-9]{4}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])$/
const round = {
  id: 'round-1',
  name: 'Infection Control Fund 2020, round 1',
  funderId: 'GB-LAE-NMC',
  funderName: 'Northmoor County Council',
  roundDate: '2020-05-22',
  measuresAllowed: ['Isolating residents', 'Restricting staff movement'],
}
const grant = (over: Record<string, unknown> = {}) => ({
  allocationId: 'a1',
  locationName: 'Birch House',
  providerName: 'Birch Care Ltd',
  cqcProviderId: '1-101',
  companyNumber: '01234567',
  charityNumber: null,
  postcode: 'NM1 1AA',
  amountPence: 5_471_781n,
  acceptedOn: '2020-05-26',
  payments: [
    { id: 'p1', paidOn: '2020-05-29', amountPence: 2_735_891n },
    { id: 'p2', paidOn: '2020-07-24', amountPence: 2_735_890n },
  ],
  ...over,
})

describe('the 360Giving file', () => {
  const file = threeSixtyGivingPackage(round, [
    grant(),
    grant({ allocationId: 'a2', companyNumber: null, charityNumber: '1123456' }),
    grant({ allocationId: 'a3', companyNumber: null }),
  ])

  it('is a package of grants, each with every required field of the right type', () => {
    expect(Array.isArray(file.grants)).toBe(true)
    for (const g of file.grants as unknown as Record<string, unknown>[]) {
      for (const field of requiredGrantFields) expect(g, field).toHaveProperty(field)
      for (const field of ['id', 'title', 'description', 'currency', 'awardDate'])
        expect(typeof g[field]).toBe('string')
      expect(typeof g.amountAwarded).toBe('number')
      expect(g.currency).toMatch(/^[A-Z]{3}$/)
      expect(g.currency).toBe('GBP')
      expect(g.awardDate).toMatch(isoDate)
      expect((g.title as string).length).toBeLessThan(140)
      for (const key of ['recipientOrganization', 'fundingOrganization']) {
        const orgs = g[key] as { id: unknown; name: unknown }[]
        expect(orgs.length).toBeGreaterThanOrEqual(1)
        for (const org of orgs) {
          expect(typeof org.id).toBe('string')
          expect(typeof org.name).toBe('string')
        }
      }
      for (const t of g.disbursementTransaction as {
        transactionDate: string
        value: unknown
        currency: string
      }[]) {
        expect(t.transactionDate).toMatch(isoDate)
        expect(typeof t.value).toBe('number')
        expect(t.currency).toBe('GBP')
      }
    }
  })

  it('uses the standard’s identifier formats', () => {
    const [company, charity, neither] = file.grants
    expect(company!.id).toMatch(/^360G-/)
    expect(company!.fundingOrganization[0]!.id).toMatch(/^GB-LAE-[A-Z]{3,4}$/)
    expect(company!.recipientOrganization[0]!.id).toBe('GB-COH-01234567')
    expect(charity!.recipientOrganization[0]!.id).toBe('GB-CHC-1123456')
    expect(neither!.recipientOrganization[0]!.id).toMatch(/^360G-/)
    expect(recipientId({ companyNumber: ' sc123456 ', charityNumber: null, cqcProviderId: null }, 'r')).toBe(
      'GB-COH-SC123456',
    )
  })

  it('gives amounts in pounds as numbers that equal the recorded payments', () => {
    const g = file.grants[0]!
    expect(g.amountAwarded).toBe(54_717.81)
    expect(g.amountDisbursed).toBe(54_717.81)
    expect(g.disbursementTransaction.map((t) => t.value)).toEqual([27_358.91, 27_358.9])
  })
})
