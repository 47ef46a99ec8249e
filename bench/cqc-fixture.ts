import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'csv-parse/sync'
import { stringify } from 'csv-stringify/sync'

// The real CQC "care directory with filters" export the tests use (999 locations, August 2025).
export const fixturePath = fileURLToPath(
  new URL('../test/fixtures/cqc/cqc_care_directory_with_filters_head_2025.csv', import.meta.url),
)

export type GeneratedCsv = { content: Buffer; rows: number; repetitions: number; distinctProviders: number }

// A bigger file in the same format: the fixture's rows repeated, each copy with fresh, unique Location
// IDs ("1-" and 9, 10 or 11 digits) and fresh Provider IDs (one per fixture provider per copy, so a
// provider's locations stay together). The header line is copied byte for byte.
export function generateCareDirectoryCsv(rows: number): GeneratedCsv {
  const original = fs.readFileSync(fixturePath)
  const text = original.toString('utf8')
  const firstLineEnd = text.indexOf('\n')
  const lineEnd = text[firstLineEnd - 1] === '\r' ? '\r\n' : '\n'
  const headerLine = text.slice(0, firstLineEnd + 1)
  const records = parse(original, { bom: true, relax_quotes: true }) as string[][]
  const header = records[0]!
  const body = records.slice(1)
  const locationColumn = header.indexOf('Location ID')
  const providerColumn = header.indexOf('Provider ID')
  if (locationColumn < 0 || providerColumn < 0)
    throw new Error(`${fixturePath}: no Location ID or Provider ID`)

  const out: string[][] = []
  const locationIds = new Set<string>()
  const providerIds = new Set<string>()
  let repetitions = 0
  while (out.length < rows) {
    const freshProvider = new Map<string, string>()
    for (const record of body) {
      if (out.length === rows) break
      const n = out.length
      // Lengths 9, 10, 11 in turn; "1" then the row number, zero-padded: never the same twice.
      const digits = 9 + (n % 3)
      const locationId = `1-${10 ** (digits - 1) + n}`
      const originalProvider = record[providerColumn] ?? ''
      let providerId = freshProvider.get(originalProvider)
      if (!providerId) {
        providerId = `1-${2 * 10 ** 10 + repetitions * 100_000 + freshProvider.size}`
        freshProvider.set(originalProvider, providerId)
      }
      const copy = [...record]
      copy[locationColumn] = locationId
      copy[providerColumn] = providerId
      locationIds.add(locationId)
      providerIds.add(providerId)
      out.push(copy)
    }
    repetitions++
  }
  if (locationIds.size !== rows) throw new Error('generated Location IDs are not unique')
  const content = Buffer.from(
    headerLine +
      stringify(out, {
        quoted: true,
        quoted_empty: true,
        record_delimiter: lineEnd === '\r\n' ? 'windows' : 'unix',
      }),
  )
  return { content, rows, repetitions, distinctProviders: providerIds.size }
}

// Checks the generator writes the fixture's format: one copy with the original IDs is the original file.
export function roundTripsFixture(): boolean {
  const original = fs.readFileSync(fixturePath, 'utf8')
  const records = parse(original, { bom: true, relax_quotes: true }) as string[][]
  const firstLineEnd = original.indexOf('\n')
  const again =
    original.slice(0, firstLineEnd + 1) + stringify(records.slice(1), { quoted: true, quoted_empty: true })
  return again === original
}

export const generatedFileName = (rows: number) =>
  path.basename(fixturePath).replace('_head_2025.csv', `_bench_${rows}.csv`)
