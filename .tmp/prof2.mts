import { readFileSync } from 'node:fs'
const [pkg, ...files] = process.argv.slice(2)
const by = new Map<string, number>(); let total = 0
for (const f of files) {
  const p = JSON.parse(readFileSync(f, 'utf8'))
  const nodes = new Map<number, any>(p.nodes.map((n: any) => [n.id, n]))
  const parent = new Map<number, number>()
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  for (let i = 0; i < p.samples.length; i++) {
    const t = p.timeDeltas[i] ?? 0
    let id = p.samples[i]; const leaf = nodes.get(id).callFrame
    if (!leaf.url.includes(pkg) && !(pkg === 'writev' && leaf.functionName === 'writev')) continue
    total += t
    let chain: string[] = []
    while (id !== undefined && chain.length < 3) {
      const cf = nodes.get(id).callFrame
      if (cf.url.includes('/work/main/dist/')) chain.push(`${cf.functionName}:${cf.lineNumber}`)
      id = parent.get(id)!
    }
    const k = chain.join(' < ') || '(none)'
    by.set(k, (by.get(k) ?? 0) + t)
  }
}
console.log(pkg, (total/1000).toFixed(0), 'ms')
;[...by].sort((a, b) => b[1] - a[1]).slice(0, 25).forEach(([n, t]) => console.log((t / 1000).toFixed(0).padStart(7), n))
