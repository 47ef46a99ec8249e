import { readFileSync } from 'node:fs'
import os from 'node:os'

// Each national measurement (PostgreSQL or PGlite) starts on a quiet machine: what ran before it (the
// CQC import's fresh databases, dropped; the previous measurement's clean-up; PostgreSQL's autovacuum
// after it) settles first, up to a minute: until the machine's CPUs are at least 90 % idle over two
// seconds (from /proc/stat), or, where that cannot be read, the 1-minute load average is under 1.
function cpuTimes(): { idle: number; total: number } | null {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number)
    // user nice system idle iowait irq softirq steal: idle and iowait are idle.
    return { idle: fields[3]! + (fields[4] ?? 0), total: fields.slice(0, 8).reduce((a, b) => a + b, 0) }
  } catch {
    return null
  }
}

async function busyOverTwoSeconds(): Promise<number | null> {
  const before = cpuTimes()
  await new Promise((resolve) => setTimeout(resolve, 2_000))
  const after = cpuTimes()
  if (!before || !after || after.total === before.total) return null
  return 1 - (after.idle - before.idle) / (after.total - before.total)
}

export async function quietMachine(id: string) {
  const started = performance.now()
  for (;;) {
    const busy = await busyOverTwoSeconds()
    const quiet = busy === null ? os.loadavg()[0]! < 1 : busy < 0.1
    if (quiet || performance.now() - started >= 60_000) break
  }
  const waited = (performance.now() - started) / 1000
  if (waited >= 3) console.log(`${id}: waited ${waited.toFixed(0)} s for a quiet machine`)
}
