import { readFileSync } from 'node:fs'
import { parse } from 'csv-parse/sync'
import { describe, expect, it } from 'vitest'
import type { ServiceType } from '../../../../domain/service-types.ts'
import {
  classifyService,
  isAdultSocialCareSector,
  mapCqcServiceType,
  splitServiceTypes,
} from './service-types.ts'

const fixture = (name: string) =>
  readFileSync(new URL(`../../../../../test/fixtures/cqc/${name}`, import.meta.url), 'utf8')

// Every service-type value in the fixtures, in each export's wording, and what it should become
// (null: not adult social care).
const intended: Record<string, ServiceType | null> = {
  // "with filters" and the API's gacServiceTypes[].description
  'Care home service with nursing': 'care_home_nursing',
  'Care home service without nursing': 'care_home_residential',
  'Extra Care housing services': 'extra_care',
  'Supported living service': 'supported_living',
  'Domiciliary care service': 'home_care',
  'Shared Lives': 'other',
  'Specialist college service': 'other',
  'Community health care services - Nurses Agency only': null,
  'Community based services for people with a learning disability': null,
  'Community based services for people with mental health needs': null,
  'Community based services for people who misuse substances': null,
  'Community healthcare service': null,
  'Rehabilitation services': null,
  'Mobile doctors service': null,
  'Doctors treatment service': null,
  'Doctors consultation service': null,
  'Dental service': null,
  'Diagnostic and/or screening service': null,
  'Acute services without overnight beds / listed acute services with or without overnight beds': null,
  'Acute services with overnight beds': null,
  'Hospital services for people with mental health needs, learning disabilities and problems with substance misuse':
    null,
  'Ambulance service': null,
  'Urgent care services': null,
  'Residential substance misuse treatment and/or rehabilitation service': null,
  'Hospice services': null,
  'Hospice services at home': null,
  'Remote clinical advice service': null,
  'Long term conditions services': null,
  // the "care directory" and the API's gacServiceTypes[].name
  'Nursing homes': 'care_home_nursing',
  'Residential homes': 'care_home_residential',
  'Supported housing': 'extra_care',
  'Supported living': 'supported_living',
  'Homecare agencies': 'home_care',
  'Shared lives': 'other',
  'Doctors/GPs': null,
  'Doctors/Gps': null,
  Dentist: null,
  Clinic: null,
  'Diagnosis/screening': null,
  'Community services - Healthcare': null,
  'Community services - Mental Health': null,
  'Community services - Learning disabilities': null,
  'Community services - Nursing': null,
  'Community services - Substance abuse': null,
  Ambulances: null,
  'Hospitals - Mental health/capacity': null,
  'Phone/online advice': null,
  Hospice: null,
  'Home hospice care': null,
  'Rehabilitation (illness/injury)': null,
  'Rehabilitation (substance abuse)': null,
  'Mobile doctors': null,
  Hospital: null,
  'Prison healthcare': null,
  'Urgent care centres': null,
  'Long-term conditions': null,
  // The care directory's provider rows carry the ownership here; they are set aside as providers.
  Partnership: null,
  Organisation: null,
  'NHS Body': null,
}

function fixtureServiceTypes(): Set<string> {
  const values = new Set<string>()
  const withFilters = parse(fixture('cqc_care_directory_with_filters_head_2025.csv'), {
    columns: true,
    bom: true,
  })
  for (const r of withFilters as Record<string, string>[]) {
    for (const v of r['Service Types']!.split(', ')) if (v) values.add(v)
  }
  const directory = parse(fixture('cqc_directory_head_2025.csv'), { columns: true, bom: true })
  for (const r of directory as Record<string, string>[]) {
    for (const v of r['Service types']!.split(',')) if (v) values.add(v)
  }
  for (const line of fixture('cqc_api_oldham_locations_raw.jsonl').split('\n')) {
    if (!line.trim()) continue
    for (const s of JSON.parse(line).gacServiceTypes as { description: string; name: string }[]) {
      values.add(s.description)
      values.add(s.name)
    }
  }
  return values
}

describe('CQC service types', () => {
  it('knows every service-type value in the fixtures', () => {
    const inFixtures = fixtureServiceTypes()
    const unlisted = [...inFixtures].filter((v) => !(v in intended))
    expect(unlisted).toEqual([])
    expect(inFixtures.size).toBeGreaterThan(50)
  })

  it('maps each of them as intended', () => {
    for (const [value, ours] of Object.entries(intended)) {
      expect([value, mapCqcServiceType(value)]).toEqual([value, ours])
    }
    expect(mapCqcServiceType('  care HOME service   with nursing ')).toBe('care_home_nursing')
  })

  it('splits on commas and pipes but keeps a name that has a comma in it', () => {
    expect(splitServiceTypes('Domiciliary care service, Supported living service')).toEqual([
      'Domiciliary care service',
      'Supported living service',
    ])
    expect(splitServiceTypes('Homecare agencies,Supported living')).toEqual([
      'Homecare agencies',
      'Supported living',
    ])
    expect(splitServiceTypes('Doctors/GPs,Doctors/GPs')).toEqual(['Doctors/GPs'])
    expect(splitServiceTypes('Residential homes|Nursing homes')).toEqual([
      'Residential homes',
      'Nursing homes',
    ])
    expect(
      splitServiceTypes(
        'Community healthcare service, Hospital services for people with mental health needs, learning disabilities and problems with substance misuse',
      ),
    ).toEqual([
      'Community healthcare service',
      'Hospital services for people with mental health needs, learning disabilities and problems with substance misuse',
    ])
    expect(splitServiceTypes('')).toEqual([])
    expect(splitServiceTypes(null)).toEqual([])
  })

  it('takes nursing over residential over extra care over supported living over home care over other', () => {
    const type = (...serviceTypes: string[]) => {
      const verdict = classifyService({ serviceTypes })
      return verdict.adultSocialCare ? verdict.serviceType : verdict.what
    }
    expect(type('Care home service without nursing', 'Care home service with nursing')).toBe(
      'care_home_nursing',
    )
    expect(type('Domiciliary care service', 'Care home service without nursing')).toBe(
      'care_home_residential',
    )
    expect(type('Supported living service', 'Extra Care housing services', 'Domiciliary care service')).toBe(
      'extra_care',
    )
    expect(type('Domiciliary care service', 'Supported living service')).toBe('supported_living')
    expect(type('Shared Lives', 'Domiciliary care service')).toBe('home_care')
    expect(type('Shared Lives', 'Supported living service')).toBe('supported_living')
    expect(type('Specialist college service')).toBe('other')
    expect(type('Community health care services - Nurses Agency only', 'Domiciliary care service')).toBe(
      'home_care',
    )
    expect(type('Dental service')).toBe('Dental service')
    expect(type('Doctors/GPs', 'Community services - Healthcare')).toBe(
      'Doctors/GPs, Community services - Healthcare',
    )
  })

  it('uses the careHome flag and the sector only where the service types say nothing we know', () => {
    expect(classifyService({ serviceTypes: [], careHome: true })).toEqual({
      adultSocialCare: true,
      serviceType: 'care_home_residential',
    })
    expect(classifyService({ serviceTypes: ['Care home service with nursing'], careHome: true })).toEqual({
      adultSocialCare: true,
      serviceType: 'care_home_nursing',
    })
    expect(classifyService({ serviceTypes: [], adultSocialCareSector: true })).toEqual({
      adultSocialCare: true,
      serviceType: 'other',
    })
    expect(
      classifyService({ serviceTypes: [], adultSocialCareSector: false, sectorName: 'Hospitals' }),
    ).toEqual({
      adultSocialCare: false,
      what: 'Hospitals',
    })
    expect(isAdultSocialCareSector('Adult social care')).toBe(true)
    expect(isAdultSocialCareSector('Residential social care')).toBe(true)
    expect(isAdultSocialCareSector('Community based adult social care services')).toBe(true)
    expect(isAdultSocialCareSector('Primary medical services')).toBe(false)
    expect(isAdultSocialCareSector('Hospitals')).toBe(false)
    expect(isAdultSocialCareSector('Unspecified')).toBeNull()
    expect(isAdultSocialCareSector('')).toBeNull()
  })
})
