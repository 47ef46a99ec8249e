import { readdirSync, readFileSync } from 'node:fs'

// CPU seconds used so far by processes, from Linux's /proc (utime + stime of each): to give a
// measurement's CPU per request for the app's processes, PostgreSQL's and the load generator's.

const ticksPerSecond = 100 // Linux's USER_HZ

type Stat = { pid: number; parent: number; command: string; cpuSeconds: number }

function processes(): Stat[] {
  const found: Stat[] = []
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry)
    if (!Number.isInteger(pid)) continue
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
      const close = stat.lastIndexOf(')')
      const fields = stat.slice(close + 2).split(' ')
      found.push({
        pid,
        parent: Number(fields[1]),
        command: stat.slice(stat.indexOf('(') + 1, close),
        cpuSeconds: (Number(fields[11]) + Number(fields[12])) / ticksPerSecond,
      })
    } catch {
      // It ended meanwhile.
    }
  }
  return found
}

// A process and everything it started (a cluster primary and its workers).
export function processTreeCpu(root: number): number {
  const all = processes()
  const tree = new Set([root])
  for (let grew = true; grew; ) {
    grew = false
    for (const p of all)
      if (tree.has(p.parent) && !tree.has(p.pid)) {
        tree.add(p.pid)
        grew = true
      }
  }
  return all.filter((p) => tree.has(p.pid)).reduce((s, p) => s + p.cpuSeconds, 0)
}

// Every PostgreSQL server process on this machine (other databases' work included).
export const postgresCpu = () =>
  processes()
    .filter((p) => p.command.startsWith('postgres'))
    .reduce((s, p) => s + p.cpuSeconds, 0)

export function ownCpu(): number {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1e6
}
