import { readFileSync } from 'node:fs'
const j = JSON.parse(readFileSync(process.argv[2]!, 'utf8'))
const files = j.testResults.map((t: any) => ({ name: t.name.replace(/.*\/(work\/)?ci-check\//, ''), s: t.startTime, e: t.endTime, n: t.assertionResults.length }))
const t0 = Math.min(...files.map((f: any) => f.s)), t1 = Math.max(...files.map((f: any) => f.e))
console.log('span', ((t1 - t0) / 1000).toFixed(0), 's, files', files.length)
files.sort((a: any, b: any) => (b.e - b.s) - (a.e - a.s))
for (const f of files.slice(0, 30)) console.log(((f.e - f.s) / 1000).toFixed(1).padStart(7), ((f.s - t0) / 1000).toFixed(0).padStart(5), ((f.e - t0) / 1000).toFixed(0).padStart(5), f.n, f.name)
// concurrency histogram per second
const hist = new Map<number, number>()
for (let t = t0; t < t1; t += 1000) { const c = files.filter((f: any) => f.s <= t && f.e > t).length; hist.set(c, (hist.get(c) ?? 0) + 1) }
console.log('seconds by files running:', [...hist].sort((a, b) => a[0] - b[0]).map(([c, n]) => `${c}:${n}`).join(' '))
