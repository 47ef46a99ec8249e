import { describe, expect, it } from 'vitest'
import { lineJoiner } from './copy-out.ts'

// COPY's text-format rows (`<uuid>\t<rest>\n`) into lines of CSV, however the socket cuts them.
const a = '0a1b2c3d-0000-4000-8000-000000000001'
const b = '0a1b2c3d-0000-4000-8000-000000000002'
const prefixes = new Map([
  [a, Buffer.from('Plus House,')],
  [b, Buffer.from('"Back\\slash, Ltd",')],
])

describe('lines joined from a COPY of keys and cells', () => {
  const copied = `${a}\t2020-04-01,"Short\\nof staff",\\\\x\n${b}\t2020-04-02,tab\\there\n`
  const expected = 'Plus House,2020-04-01,"Short\nof staff",\\x\n"Back\\slash, Ltd",2020-04-02,tab\there\n'

  it('puts each key’s prefix first and undoes the escapes of the rest only', () => {
    expect(lineJoiner(prefixes).join(Buffer.from(copied), true).toString()).toBe(expected)
  })

  it('gives the same bytes wherever the chunks are cut', () => {
    const bytes = Buffer.from(copied)
    for (let cut = 1; cut < bytes.length; cut++) {
      const joiner = lineJoiner(prefixes)
      const out = Buffer.concat([joiner.join(bytes.subarray(0, cut)), joiner.join(bytes.subarray(cut), true)])
      expect(out.toString(), `cut at ${cut}`).toBe(expected)
    }
  })

  it('refuses a row of an unknown key, or a copy ending mid-row', () => {
    const stranger = '0a1b2c3d-0000-4000-8000-000000000003'
    expect(() => lineJoiner(prefixes).join(Buffer.from(`${stranger}\tx\n`))).toThrow('no known key')
    expect(() => lineJoiner(prefixes).join(Buffer.from(`${a}\tx`), true)).toThrow('middle of a row')
  })
})
