import fs from 'node:fs'
import { restrictToArea } from './src/domain/cqc-import/area.ts'
import { parseCqcFile } from './src/domain/cqc-import/parse.ts'

const o = fs.readFileSync('test/fixtures/cqc/cqc_api_oldham_locations_raw.jsonl')
const parsed = await parseCqcFile({ fileName: 'o.jsonl', content: o })
const rows = restrictToArea(parsed.rows, { localAuthorityName: 'Oldham Metropolitan Borough Council' })
console.log(JSON.stringify(rows.find((r) => JSON.stringify(r).includes('1-10415126755'))))
const c: Record<string, number> = {}
for (const r of rows) {
  const k = r.outcome + ' ' + (r.outcome === 'skip' ? r.reason.slice(0, 40) : '')
  c[k] = (c[k] ?? 0) + 1
}
console.log(c)
