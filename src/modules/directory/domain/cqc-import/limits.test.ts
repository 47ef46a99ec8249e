import { stringify } from 'csv-stringify/sync'
import { describe, expect, it } from 'vitest'
import type { ParsedRow } from './cqc-location.ts'
import { shownValue, storableText } from './limits.ts'
import { parseCqcFile } from './parse.ts'

const header = [
  'Location ID',
  'Location Name',
  'Location Local Authority',
  'Primary inspection category',
  'Service Types',
  'Care homes beds',
  'Location HSCA start date',
  'Provider ID',
  'Provider Name',
]
const home = (id: string, change: Partial<Record<string, string>> = {}) => {
  const row: Record<string, string> = {
    'Location ID': id,
    'Location Name': 'Moorside House',
    'Location Local Authority': 'Southvale',
    'Primary inspection category': 'Residential social care',
    'Service Types': 'Care home service without nursing',
    'Care homes beds': '30',
    'Location HSCA start date': '2015-01-01',
    'Provider ID': '1-101010101',
    'Provider Name': 'Moorside Care Ltd',
    ...change,
  }
  return header.map((h) => row[h]!)
}
const csv = (rows: string[][]) =>
  parseCqcFile({ fileName: 'file.csv', content: Buffer.from(stringify([header, ...rows])) })
const problemsOf = (row: ParsedRow | undefined) => (row?.outcome === 'error' ? row.problems : [])

describe('values CareHub cannot store are row problems', () => {
  it('reports a bed count past 10,000 (and past the database’s integers) by row and column', async () => {
    const parsed = await csv([
      home('1-100000001', { 'Care homes beds': '10000' }),
      home('1-100000002', { 'Care homes beds': '10001' }),
      home('1-100000003', { 'Care homes beds': '99999999999' }),
    ])
    expect(parsed.rows.map((r) => r.outcome)).toEqual(['location', 'error', 'error'])
    expect(problemsOf(parsed.rows[2])).toEqual([
      expect.objectContaining({
        rowNumber: 4,
        column: 'Care homes beds',
        reason: 'Care homes beds must be a whole number from 0 to 10,000',
        value: '99999999999',
      }),
    ])
  })

  it('reports a null byte in any text, and shows the value without it', async () => {
    const parsed = await csv([
      home('1-100000004', { 'Location Name': 'Moorside\u0000House' }),
      home('1-100000005', { 'Provider Name': 'Moorside\u0000Care' }),
    ])
    expect(parsed.rows.map((r) => r.outcome)).toEqual(['error', 'error'])
    expect(problemsOf(parsed.rows[0])).toEqual([
      expect.objectContaining({
        rowNumber: 2,
        column: 'Location Name',
        reason: expect.stringContaining('contains a character CareHub cannot store'),
        value: 'Moorside\ufffdHouse',
      }),
    ])
    expect(problemsOf(parsed.rows[1])[0]).toMatchObject({ rowNumber: 3, column: 'Provider Name' })
  })

  it('reports half a surrogate pair from a JSON file, and keeps whole pairs', async () => {
    const line = (id: string, name: string) =>
      `{"locationId":"${id}","name":"${name}","registrationStatus":"Registered","careHome":"Y","numberOfBeds":20,"localAuthority":"Southvale","inspectionDirectorate":"Adult social care","gacServiceTypes":[{"description":"Care home service without nursing"}]}`
    const parsed = await parseCqcFile({
      fileName: 'file.jsonl',
      content: Buffer.from(
        [line('1-100000006', 'Broken \\ud800 name'), line('1-100000007', 'Whole \\ud83d\\ude00 name')].join(
          '\n',
        ),
      ),
    })
    expect(parsed.rows.map((r) => r.outcome)).toEqual(['error', 'location'])
    expect(problemsOf(parsed.rows[0])).toEqual([
      expect.objectContaining({ rowNumber: 1, column: 'name', value: 'Broken \ufffd name' }),
    ])
  })

  it('reports an over-long value with its limit, and shows the start of it', async () => {
    const long = 'A'.repeat(5000)
    const parsed = await csv([
      home('1-100000008', { 'Location Name': long }),
      home('1-100000009', { 'Provider ID': '1-'.padEnd(60, '9') }),
      home('1-100000010', { 'Location Name': 'B'.repeat(500) }),
    ])
    expect(parsed.rows.map((r) => r.outcome)).toEqual(['error', 'error', 'location'])
    expect(problemsOf(parsed.rows[0])).toEqual([
      expect.objectContaining({
        column: 'Location Name',
        reason: 'Location Name must be 500 characters or fewer (it has 5,000)',
        value: `${'A'.repeat(100)}…`,
      }),
    ])
    expect(problemsOf(parsed.rows[1])[0]).toMatchObject({ column: 'Provider ID' })
  })

  it('reports an impossible date by row and column', async () => {
    const parsed = await csv([home('1-100000011', { 'Location HSCA start date': '2023-02-30' })])
    expect(problemsOf(parsed.rows[0])).toEqual([
      expect.objectContaining({ rowNumber: 2, column: 'Location HSCA start date', value: '2023-02-30' }),
    ])
  })

  it('makes any text storable', () => {
    expect(storableText('a\u0000b\ud800c\udc00d\ud83d\ude00')).toBe('a\ufffdb\ufffdc\ufffdd\ud83d\ude00')
    expect(shownValue('x'.repeat(150))).toBe(`${'x'.repeat(100)}…`)
  })
})
