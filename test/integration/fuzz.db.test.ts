import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  apiTokens,
  type Finding,
  fingerprinter,
  forgetSessions,
  fuzzRoute,
  type RouteResult,
} from '../support/fuzz/fuzz-run.ts'
import { buildFuzzWorld, type FuzzWorld, keepUsers, routeKey } from '../support/fuzz/fuzz-world.ts'
import { type Engine, engines } from '../support/test-database.ts'

// Generated bodies, query strings and path parameters for every form and API route the app lists
// (README "Fuzzing"). FUZZ_RUNS: inputs per route on PostgreSQL (5 in `npm test`, about 1,200 requests; 10
// took 122 s beside the other files in CI; 100
// took 130 s alone and 215 s beside the other files on 2 cores, and 1,000 would take 21 minutes, beyond
// the suite's 15; `npm run fuzz`: 10,000); PGlite, several times slower, takes a tenth of that. FUZZ_ROUTE_SECONDS bounds each route
// (an upload starts a worker thread per input); FUZZ_ROUTES keeps only routes whose path contains it;
// FUZZ_SEED repeats a run; FUZZ_REPORT names a file (.pglite.json, .postgres.json added) for every route's figures.
const runsPerRoute = Number(process.env.FUZZ_RUNS ?? 5)
const routeSeconds = Number(process.env.FUZZ_ROUTE_SECONDS ?? 120)
const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000)
const only = process.env.FUZZ_ROUTES

const runsOn = (engine: Engine) => (engine === 'postgres' ? runsPerRoute : Math.ceil(runsPerRoute / 10))
// `npm test` fuzzes one engine: PostgreSQL when it is there (the same parser and errors as PGlite's, ten
// times the inputs in the time), else PGlite. The PGlite pass cost 2–3 minutes of the suite's 15 for one
// input a route; `npm run fuzz` (FUZZ_RUNS set) fuzzes both.
const fuzzEngines: Engine[] = process.env.FUZZ_RUNS ? engines : engines.slice(-1)

describe.each(fuzzEngines)('fuzzing every form and API route on %s', (engine) => {
  let w: FuzzWorld

  beforeAll(async () => {
    const started = Date.now()
    w = await buildFuzzWorld(engine)
    console.log(
      `fuzz world on ${engine}: demo county, crawl and route facts in ${(Date.now() - started) / 1000} s`,
    )
  }, 600_000)
  afterAll(async () => {
    forgetSessions()
    await w?.t.close()
  })

  it('answers every input without a 5xx, a stack trace or SQL, and saves nothing it refuses', async () => {
    const started = Date.now()
    const counts = await fingerprinter(w.t.database.db)
    const tokens = await apiTokens(w)
    const prototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort()
    // Every POST (a form or the API), and every GET that reads its query string or is under /api/.
    const targets = w.routes.filter(
      (r) =>
        (r.method === 'POST' || w.facts.get(routeKey(r))!.readsQuery || r.url.startsWith('/api/')) &&
        (!only || r.url.includes(only)),
    )
    const results: RouteResult[] = []
    const restoreUsers = await keepUsers(w)
    for (const route of targets) {
      results.push(
        await fuzzRoute(w, route, { runs: runsOn(engine), seconds: routeSeconds, seed }, counts, tokens),
      )
      const restored = await restoreUsers()
      if (restored.length) console.log(`${routeKey(route)} changed a signed-in user; put back`)
    }
    const findings: Finding[] = results.flatMap((r) => r.findings)
    const inputs = results.reduce((n, r) => n + r.runs, 0)
    const slowest = results.toSorted((a, b) => b.seconds - a.seconds).slice(0, 5)
    const fiveHundreds = results.reduce(
      (n, r) => n + Object.entries(r.statuses).reduce((m, [s, c]) => m + (Number(s) >= 500 ? c : 0), 0),
      0,
    )
    const seconds = Math.round((Date.now() - started) / 1000)
    console.log(
      `fuzz on ${engine} (seed ${seed}): ${targets.length} routes × ${runsOn(engine)} inputs = ${inputs} requests in ${seconds} s; ` +
        `5xx: ${fiveHundreds}; routes failing: ${new Set(findings.map((f) => f.route)).size}`,
    )
    const cut = results.filter((r) => r.runs < runsOn(engine) && r.failures === 0)
    if (cut.length)
      console.log(`stopped at ${routeSeconds} s: ${cut.map((r) => `${r.route} (${r.runs})`).join('; ')}`)
    console.log(`slowest: ${slowest.map((r) => `${r.route} ${r.seconds} s`).join('; ')}`)
    for (const f of findings) console.log(JSON.stringify(f))
    if (process.env.FUZZ_REPORT) {
      const fs = await import('node:fs')
      fs.writeFileSync(
        `${process.env.FUZZ_REPORT}.${engine}.json`,
        JSON.stringify({ engine, seed, results }, null, 1),
      )
    }
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeBefore)
    expect(findings).toEqual([])
  }, 7_200_000)
})
