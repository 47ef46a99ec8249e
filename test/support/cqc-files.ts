import { stringify } from 'csv-stringify/sync'

// Small CQC files written for a test, in the "care directory with filters" columns CareHub reads.
const header = [
  'Location ID',
  'Location Name',
  'Address 1',
  'Town/City',
  'Postcode',
  'Location Local Authority',
  'Primary inspection category',
  'Service Types',
  'Care homes beds',
  'Dormant',
  'Location HSCA start date',
  'Provider ID',
  'Provider Name',
] as const

export type CqcColumn = (typeof header)[number]

// A care home's row, with any column changed.
export function careHomeRow(cqcLocationId: string, change: Partial<Record<CqcColumn, string>> = {}) {
  const row: Record<CqcColumn, string> = {
    'Location ID': cqcLocationId,
    'Location Name': `Home ${cqcLocationId}`,
    'Address 1': '1 Moor Lane',
    'Town/City': 'Southvale',
    Postcode: 'SV1 1AA',
    'Location Local Authority': 'Southvale',
    'Primary inspection category': 'Residential social care',
    'Service Types': 'Care home service without nursing',
    'Care homes beds': '30',
    Dormant: 'N',
    'Location HSCA start date': '2015-01-01',
    'Provider ID': '1-101010101',
    'Provider Name': 'Moorside Care Ltd',
    ...change,
  }
  return header.map((h) => row[h])
}

export function cqcCsv(rows: string[][]): Buffer {
  return Buffer.from(stringify([[...header], ...rows]))
}

// The same care home as a CQC API record (JSON lines can carry what CSV cannot, such as "\ud800").
export function careHomeJsonLine(cqcLocationId: string, nameAsJson: string): string {
  return `{"locationId":"${cqcLocationId}","name":"${nameAsJson}","providerId":"1-101010101","registrationStatus":"Registered","careHome":"Y","numberOfBeds":20,"localAuthority":"Southvale","inspectionDirectorate":"Adult social care","registrationDate":"2015-01-01","gacServiceTypes":[{"description":"Care home service without nursing"}]}`
}
