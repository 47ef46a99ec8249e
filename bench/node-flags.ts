import fs from 'node:fs'

// The Node.js flags `npm start` runs CareHub with (package.json's start script), so every measured
// process runs as the service does. Read from package.json rather than repeated here, so they cannot drift.
const start: string = JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8')).scripts
  .start
export const serviceNodeFlags: string[] = start
  .split(/\s+/)
  .filter((word) => word.startsWith('--') && !word.startsWith('--import'))

// The flags for a child process that runs the service's code: this process's loader (tsx) and the service's flags.
// BENCH_CHILD_CPU_PROF=<folder> profiles every such child (a .cpuprofile each, written when it ends).
export const profiling = process.env.BENCH_CHILD_CPU_PROF
  ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CHILD_CPU_PROF}`]
  : []
export const childExecArgv = (extra: string[] = []) => [
  ...process.execArgv,
  ...serviceNodeFlags,
  ...profiling,
  ...extra,
]
