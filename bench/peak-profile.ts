import { type ChildProcess, spawn } from 'node:child_process'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { sql } from 'kysely'
import { createDatabase } from '../src/db/database.ts'
import { periodContaining, previousPeriod } from '../src/modules/returns/index.ts'
import { latencySummary } from './national.ts'
import { serviceNodeFlags } from './node-flags.ts'
import { pacedLoad } from './paced-load.ts'
import { ownCpu, postgresCpu, processTreeCpu } from './process-cpu.ts'
import { apiTokensFor, bodiesFor, type Candidate, dropApiTokens, load } from './submission-load.ts'

// A private look at what one return costs: `tsx bench/peak-profile.ts <database url> <rate> [workers]`
// against a database of your own (it writes returns and leaves them). Sends first returns for the
// unlocked daily periods (today and the six before) at a steady rate from one undici pool, then prints
// the CPU per return of the app's processes, PostgreSQL's (every postgres process, so the jobs and
// anything else on the machine's server count too) and this generator's, and the transactions
// committed per return. PEAK_CPU_PROF=<folder> profiles the app's processes; PEAK_RETURNS=<n> sends only n.

const here = path.dirname(fileURLToPath(import.meta.url))
const [databaseUrl, rateText = '300', workersText = '1'] = process.argv.slice(2)
if (!databaseUrl) throw new Error('usage: tsx bench/peak-profile.ts <database url> <rate> [workers]')
const rate = Number(rateText)
const db = createDatabase({ engine: 'postgres', url: databaseUrl, poolSize: 2 })
const now = new Date()
const days: string[] = []
for (let p = periodContaining('daily', now), i = 0; i < 7; p = previousPeriod(p), i++) days.push(p.start)
const jobs: { body: string; token: string; userId: string }[] = []
let tokenIds: string[] = []
let child: ChildProcess | null = null
try {
  const all: { day: string; locations: Candidate[] }[] = []
  for (const day of days) {
    const { rows } = await sql<Candidate>`
      select l.id, l.service_type as "serviceType", l.registered_beds as "registeredBeds",
        l.people_supported as "peopleSupported", l.provider_id as "providerId", u.id as "userId"
      from locations l
      join organisations o on o.provider_id = l.provider_id
      join lateral (select id from users u where u.organisation_id = o.id and u.role = 'provider_manager'
                    and u.status = 'active' limit 1) u on true
      where l.status = 'open'
        and l.service_type in ('care_home_nursing', 'care_home_residential', 'supported_living', 'extra_care')
        and not exists (select 1 from situation_returns r where r.location_id = l.id and r.period_start = ${day})
      order by l.cqc_location_id`.execute(db)
    all.push({ day, locations: rows })
  }
  const made = await apiTokensFor(
    db,
    all.flatMap((d) => d.locations),
  )
  tokenIds = made.tokenIds
  for (const { day, locations } of all) jobs.push(...bodiesFor(locations, made.tokens, day))
  // Interleave days so that one location's returns are not back to back.
  jobs.sort(() => Math.random() - 0.5)
  // PEAK_RETURNS=<n>: send only the first n (the rest stay unsent, for the next run).
  if (process.env.PEAK_RETURNS) jobs.splice(Number(process.env.PEAK_RETURNS))
  console.log(`${jobs.length} returns over ${days.length} days`)

  const port = 3900 + Math.floor(Math.random() * 90)
  const profileDir = process.env.PEAK_CPU_PROF
  child = spawn(
    process.execPath,
    [
      ...serviceNodeFlags,
      ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
      path.join(here, '..', 'bin', 'carehub.js'),
      'serve',
    ],
    {
      env: {
        ...process.env,
        NODE_ENV: 'production',
        ...(workersText === '1' ? {} : { WORKERS: workersText }),
        DATABASE_URL: databaseUrl,
        HOST: '127.0.0.1',
        PORT: String(port),
        BASE_URL: `http://127.0.0.1:${port}`,
        COOKIE_SECRET: 'bench-cookie-secret-bench-cookie-secret',
        DATA_DIR: path.join(os.tmpdir(), 'carehub-peak-profile'),
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  )
  const url = `http://127.0.0.1:${port}`
  for (;;) {
    if (child.exitCode !== null) throw new Error('carehub serve stopped')
    if (
      await fetch(`${url}/readyz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break
    await new Promise((r) => setTimeout(r, 200))
  }
  const statuses = new Map<number, number>()
  const phase = async (slice: typeof jobs, perSecond: number) => {
    const p = await pacedLoad(url, slice, 'profile', perSecond, 50)
    for (const [s, c] of p.statuses) statuses.set(s, (statuses.get(s) ?? 0) + c)
    if (p.firstError) console.log(p.firstError)
    return { samples: p.samplesMs, seconds: p.seconds }
  }
  const warm = Math.min(500, Math.floor(jobs.length / 5))
  await phase(jobs.slice(0, warm), rate / 2)
  await new Promise((r) => setTimeout(r, 1000))
  const appCpu = () => processTreeCpu(child!.pid!)
  const pgCpu = postgresCpu
  const commits = async () => {
    const { rows } = await sql<{ n: string }>`
      select xact_commit as n from pg_stat_database where datname = current_database()`.execute(db)
    return Number(rows[0]!.n)
  }
  const before = { app: appCpu(), pg: pgCpu(), gen: ownCpu(), commits: await commits() }
  const measured = jobs.slice(warm)
  // PEAK_GENERATOR=bench: the benchmark's own generator (submission-load.ts), to compare its CPU.
  const { samples, seconds } =
    process.env.PEAK_GENERATOR === 'bench'
      ? await load(url, measured, 'measured', rate).then((p) => {
          for (const [s, c] of p.statuses) statuses.set(s, (statuses.get(s) ?? 0) + c)
          return { samples: p.samplesMs, seconds: p.seconds }
        })
      : await phase(measured, rate)
  const after = { app: appCpu(), pg: pgCpu(), gen: ownCpu(), commits: await commits() }
  const n = measured.length
  const l = latencySummary(samples)
  const ms = (s: number) => ((s * 1000) / n).toFixed(3)
  console.log(
    `${n} returns in ${seconds.toFixed(1)} s (${(n / seconds).toFixed(0)}/s offered ${rate}/s): p50 ${l.p50Ms.toFixed(1)}, p95 ${l.p95Ms.toFixed(1)}, p99 ${l.p99Ms.toFixed(1)}, max ${l.maxMs.toFixed(0)} ms; ${[...statuses].map(([s, c]) => `${s}: ${c}`).join(', ')}`,
  )
  console.log(
    `CPU per return: app ${ms(after.app - before.app)} ms, PostgreSQL ${ms(after.pg - before.pg)} ms, generator ${ms(after.gen - before.gen)} ms; ${((after.commits - before.commits - 1) / n).toFixed(2)} transactions a return; load average ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  )
} finally {
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child!.once('exit', r))
    child.kill('SIGTERM')
    await exited
  }
  await dropApiTokens(db, tokenIds, console.log)
  await db.destroy()
}
