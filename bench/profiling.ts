import type { HeapProfiler, Profiler, Runtime } from 'node:inspector'
import { Session } from 'node:inspector/promises'
import { findSourceMap } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { CpuSummary, HeapSummary, Profile, ProfilePhase, Ranked } from './bench-case.ts'
import type { TimedQuery } from './query-timing.ts'
import type { RssSample } from './rss-sampler.ts'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

// V8's own sampling profilers, in this thread, for the profile run only: CPU (a stack every 0.5 ms) and
// allocations (every 64 KiB allocated, with the site that allocated it, collected objects included).
export async function startV8Profiling() {
  const session = new Session()
  session.connect()
  await session.post('Profiler.enable')
  await session.post('Profiler.setSamplingInterval', { interval: 500 })
  await session.post('HeapProfiler.enable')
  const sampling = {
    samplingInterval: 64 * 1024,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  }
  await session.post('HeapProfiler.startSampling', sampling)
  await session.post('Profiler.start')
  return {
    async stop(): Promise<{ cpu: Profiler.Profile; heap: HeapProfiler.SamplingHeapProfile }> {
      const { profile: cpu } = await session.post('Profiler.stop')
      const { profile: heap } = await session.post('HeapProfiler.stopSampling')
      session.disconnect()
      return { cpu, heap }
    },
  }
}

type Frame = { fn: string; where: string; area: string; ours: boolean }

// Where a frame's code lives: one of our files (src/…, bench/…), a package, Node itself, or V8.
function frameOf(callFrame: Runtime.CallFrame): Frame {
  const { functionName, url, lineNumber } = callFrame
  const fn = functionName || '(anonymous)'
  if (!url) {
    const special = new Map([
      ['(garbage collector)', 'garbage collector'],
      ['(idle)', 'idle (waiting for the database)'],
    ])
    return { fn, where: '', area: special.get(functionName) ?? 'V8 and native code', ours: false }
  }
  if (url.startsWith('node:')) return { fn, where: url, area: 'Node.js internals', ours: false }
  if (url.startsWith('wasm:')) return { fn, where: url, area: 'WebAssembly (PGlite)', ours: false }
  // ES modules are reported by URL, CommonJS ones (pg, for one) by path.
  if (!url.startsWith('file://') && !path.isAbsolute(url)) return { fn, where: url, area: url, ours: false }
  const file = url.startsWith('file://') ? fileURLToPath(url) : url
  const relative = path.relative(root, file)
  // tsx compiles our TypeScript with source maps: name the line in the .ts file.
  const original = findSourceMap(url)?.findEntry(lineNumber, callFrame.columnNumber)
  const line = original && 'originalLine' in original ? original.originalLine : lineNumber
  const at = `${relative}:${line + 1}`
  const modules = relative.lastIndexOf('node_modules/')
  if (modules >= 0) {
    const parts = relative.slice(modules + 'node_modules/'.length).split('/')
    const pkg = parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] ?? relative)
    return { fn, where: at.slice(modules + 'node_modules/'.length), area: pkg, ours: false }
  }
  if (relative.startsWith('..')) return { fn, where: file, area: file, ours: false }
  return { fn, where: at, area: relative, ours: relative.startsWith('src/') }
}

const key = (f: Frame) => `${f.fn} ${f.where}`

function ranked(totals: Map<string, { label: string; value: number }>, top: number, scale: number): Ranked[] {
  return [...totals.values()]
    .sort((a, b) => b.value - a.value)
    .slice(0, top)
    .map((t) => ({ label: t.label, value: t.value / scale }))
}

function add(totals: Map<string, { label: string; value: number }>, k: string, label: string, value: number) {
  const t = totals.get(k)
  if (t) t.value += value
  else totals.set(k, { label, value })
}

export type CpuTimeline = {
  summary: CpuSummary
  // Our innermost function running at a moment (monoMs), or the area of whatever was.
  activityAt: (atMs: number) => string | null
}

export function summariseCpu(profile: Profiler.Profile, top = 15): CpuTimeline {
  const nodes = new Map(profile.nodes.map((n) => [n.id, { node: n, frame: frameOf(n.callFrame) }]))
  const parent = new Map<number, number>()
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const samples = profile.samples ?? []
  const deltas = profile.timeDeltas ?? []
  const times: number[] = []
  let t = profile.startTime
  for (const d of deltas) {
    t += d
    times.push(t)
  }
  const byArea = new Map<string, { label: string; value: number }>()
  const self = new Map<string, { label: string; value: number }>()
  const inclusive = new Map<string, { label: string; value: number }>()
  const innermostOurs = (id: number): Frame | null => {
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const f = nodes.get(at)?.frame
      if (f?.ours) return f
    }
    return null
  }
  for (let i = 0; i < samples.length; i++) {
    const us = (times[i + 1] ?? profile.endTime) - (times[i] ?? profile.endTime)
    if (us <= 0) continue
    const id = samples[i]!
    const frame = nodes.get(id)?.frame
    if (!frame) continue
    add(byArea, frame.area, frame.area, us)
    if (frame.area !== 'idle (waiting for the database)')
      add(self, key(frame), `${frame.fn} (${frame.where || frame.area})`, us)
    const seen = new Set<string>()
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const f = nodes.get(at)?.frame
      if (!f?.ours || seen.has(key(f))) continue
      seen.add(key(f))
      add(inclusive, key(f), `${f.fn} (${f.where})`, us)
    }
  }
  const activityAt = (atMs: number): string | null => {
    const us = atMs * 1000
    let lo = 0
    let hi = times.length - 1
    if (hi < 0 || us < (times[0] ?? 0) || us > profile.endTime) return null
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if ((times[mid] ?? 0) <= us) lo = mid
      else hi = mid - 1
    }
    const id = samples[lo]
    if (id === undefined) return null
    const ours = innermostOurs(id)
    if (ours) return `${ours.fn} (${ours.where})`
    return nodes.get(id)?.frame.area ?? null
  }
  return {
    summary: {
      seconds: (profile.endTime - profile.startTime) / 1e6,
      selfByArea: ranked(byArea, top, 1e6),
      selfByFunction: ranked(self, top, 1e6),
      inclusiveOurs: ranked(inclusive, top, 1e6),
    },
    activityAt,
  }
}

// Bytes allocated (sampled), by the code that allocated them: what makes the garbage and the heap.
export function summariseHeap(profile: HeapProfiler.SamplingHeapProfile, top = 15): HeapSummary {
  const byArea = new Map<string, { label: string; value: number }>()
  const self = new Map<string, { label: string; value: number }>()
  const inclusive = new Map<string, { label: string; value: number }>()
  let total = 0
  const walk = (node: HeapProfiler.SamplingHeapProfileNode, ours: Frame[]) => {
    const frame = frameOf(node.callFrame)
    const stack = frame.ours ? [...ours, frame] : ours
    if (node.selfSize > 0) {
      total += node.selfSize
      add(byArea, frame.area, frame.area, node.selfSize)
      add(self, key(frame), `${frame.fn} (${frame.where || frame.area})`, node.selfSize)
      const seen = new Set<string>()
      for (const f of stack) {
        if (seen.has(key(f))) continue
        seen.add(key(f))
        add(inclusive, key(f), `${f.fn} (${f.where})`, node.selfSize)
      }
    }
    for (const child of node.children) walk(child, stack)
  }
  walk(profile.head, [])
  return {
    allocatedMb: total / 1e6,
    byArea: ranked(byArea, top, 1e6),
    selfByFunction: ranked(self, top, 1e6),
    inclusiveOurs: ranked(inclusive, top, 1e6),
  }
}

const js = 'JavaScript (no query in flight)'

// Where a phase's wall time went, from the timed queries inside it.
export function queryBreakdown(
  queries: TimedQuery[],
  startMs: number,
  endMs: number,
): Pick<ProfilePhase, 'totals' | 'segments'> {
  const totals = new Map<string, ProfilePhase['totals'][number]>()
  const total = (label: string, ms: number, rows: number, count: number) => {
    const t = totals.get(label) ?? { label, count: 0, seconds: 0, rows: 0 }
    t.count += count
    t.seconds += ms / 1000
    t.rows += rows
    totals.set(label, t)
  }
  const segments: ProfilePhase['segments'] = []
  let block: { from: number; to: number; queries: Map<string, number>; querySeconds: number } | null = null
  const closeBlock = () => {
    if (!block) return
    segments.push({
      what: [...block.queries].map(([label, n]) => `${label} ×${n}`).join(', '),
      seconds: (block.to - block.from) / 1000,
      querySeconds: block.querySeconds,
    })
    block = null
  }
  let at = startMs
  for (const q of queries.filter((q) => q.startMs >= startMs && q.endMs <= endMs)) {
    const gap = Math.max(0, q.startMs - at)
    total(js, gap, 0, 0)
    if (gap >= 100) {
      closeBlock()
      segments.push({ what: js, seconds: gap / 1000, querySeconds: 0 })
    }
    total(q.label, q.endMs - q.startMs, q.valueRows || q.resultRows, 1)
    block ??= { from: q.startMs, to: q.startMs, queries: new Map(), querySeconds: 0 }
    block.queries.set(q.label, (block.queries.get(q.label) ?? 0) + 1)
    block.querySeconds += (q.endMs - q.startMs) / 1000
    block.to = q.endMs
    at = q.endMs
  }
  closeBlock()
  const tail = endMs - at
  total(js, tail, 0, 0)
  if (tail >= 1) segments.push({ what: js, seconds: tail / 1000, querySeconds: 0 })
  return { totals: [...totals.values()].sort((a, b) => b.seconds - a.seconds), segments }
}

// What was running at a moment: a query in flight (its label), else our innermost function on the
// CPU profile's stack.
export function activityAt(atMs: number, queries: TimedQuery[], cpu: CpuTimeline): string {
  const q = queries.find((q) => q.startMs <= atMs && atMs <= q.endMs)
  if (q) return `query in flight: ${q.label}`
  return cpu.activityAt(atMs) ?? 'unknown'
}

export function rssProfile(
  samples: RssSample[],
  window: { startMs: number; endMs: number },
  phases: { name: string; startMs: number; endMs: number }[],
  queries: TimedQuery[],
  cpu: CpuTimeline,
): Profile['rss'] {
  const inside = samples.filter(([t]) => t >= window.startMs && t <= window.endMs)
  const peak = inside.reduce((best, s) => (s[1] > best[1] ? s : best), inside[0] ?? [window.startMs, 0])
  const growth = new Map<string, { label: string; value: number }>()
  for (let i = 1; i < inside.length; i++) {
    const [t0, r0] = inside[i - 1]!
    const [t1, r1] = inside[i]!
    if (r1 <= r0) continue
    const what = activityAt((t0 + t1) / 2, queries, cpu)
    add(growth, what, what, r1 - r0)
  }
  const phase = phases.find((p) => p.startMs <= peak[0] && peak[0] <= p.endMs)
  return {
    peakMb: peak[1] / 1e6,
    peakAtSeconds: (peak[0] - window.startMs) / 1000,
    peakDuring: `${phase ? `${phase.name}: ` : ''}${activityAt(peak[0], queries, cpu)}`,
    growthByActivity: ranked(growth, 12, 1e6),
  }
}
