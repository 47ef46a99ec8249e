import { readFileSync } from 'node:fs'
const j = JSON.parse(readFileSync(process.argv[2]!, 'utf8'))
const files = j.testResults.map((t: any) => ({ name: t.name.replace(/.*ci-check\//, ''), s: t.startTime, e: t.endTime }))
const t0 = Math.min(...files.map((f: any) => f.s)), t1 = Math.max(...files.map((f: any) => f.e))
let prev = -1, from = 0
for (let t = t0; t <= t1 + 1000; t += 1000) {
  const c = files.filter((f: any) => f.s <= t && f.e > t)
  const k = c.length <= 1 ? c.map((f: any) => f.name).join(',') || '(none)' : String(c.length)
  if (k !== String(prev)) { if (prev !== -1 && (Number(prev) !== Number(prev) || Number(prev) < 2)) console.log(`${from}-${(t - t0) / 1000}: ${prev}`); prev = k as any; from = (t - t0) / 1000 }
}
