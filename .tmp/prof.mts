import { readFileSync } from 'node:fs'
const files = process.argv.slice(2)
const byFn = new Map<string, number>(), byPkg = new Map<string, number>()
let total = 0
for (const f of files) {
  const p = JSON.parse(readFileSync(f, 'utf8'))
  const nodes = new Map<number, any>(p.nodes.map((n: any) => [n.id, n]))
  const dt = new Map<number, number>()
  for (let i = 0; i < p.samples.length; i++) dt.set(p.samples[i], (dt.get(p.samples[i]) ?? 0) + (p.timeDeltas[i] ?? 0))
  for (const [id, t] of dt) {
    const n = nodes.get(id); const cf = n.callFrame
    const name = `${cf.functionName || '(anon)'} ${cf.url.replace(/.*node_modules\//, 'nm:').replace(/.*\/work\/main\//, '')}:${cf.lineNumber}`
    byFn.set(name, (byFn.get(name) ?? 0) + t)
    let pkg = cf.url.match(/node_modules\/((@[^/]+\/)?[^/]+)/)?.[1] ?? (cf.url.match(/src\/(modules\/[^/]+|[^/]+)/)?.[1]) ?? (cf.url.startsWith('node:') ? cf.url : cf.functionName.startsWith('(') ? cf.functionName : cf.url ? 'other:' + cf.url.slice(-40) : 'native')
    byPkg.set(pkg, (byPkg.get(pkg) ?? 0) + t)
    if (cf.functionName !== '(idle)' && cf.functionName !== '(program)') total += t
  }
}
const show = (m: Map<string, number>, k: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, k).forEach(([n, t]) => console.log((t / 1000).toFixed(0).padStart(8), 'ms', ((100 * t) / total).toFixed(1).padStart(5) + '%', n))
console.log('total non-idle', (total / 1000).toFixed(0), 'ms')
show(byPkg, 30); console.log('---'); show(byFn, 45)
