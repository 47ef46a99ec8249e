import fs from 'node:fs'
import { parse } from 'csv-parse/sync'
import { stringify } from 'csv-stringify/sync'
const p = '/work/main/test/fixtures/cqc/cqc_care_directory_with_filters_head_2025.csv'
const original = fs.readFileSync(p, 'utf8')
const records = parse(original, { bom: true, relax_quotes: true }) as string[][]
let t = Date.now()
const again = original.slice(0, original.indexOf('\n') + 1) + stringify(records.slice(1), { quoted: true, quoted_empty: true })
console.log('ms', Date.now() - t, again.length, original.length)
for (let i = 0; i < again.length; i++) if (again[i] !== original[i]) { console.log(i, JSON.stringify(original.slice(i - 80, i + 80)), '\n', JSON.stringify(again.slice(i - 80, i + 80))); break }
const ol = original.split('\n'), al = again.split('\n'); let d = 0
for (let i = 0; i < ol.length; i++) if (ol[i] !== al[i]) d++
console.log('differing lines', d, ol.length, al.length)
