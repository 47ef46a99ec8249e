import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Role, roles } from '../../src/domain/roles.ts'
import { capabilities } from '../../src/modules.ts'
import {
  expectedOutcome,
  type Outcome,
  type RecordKind,
  type RouteAccess,
  recordKinds,
} from '../../src/web/route-access.ts'
import { webRouteAccess } from '../../src/web/web.route-access.ts'
import { Attacker } from '../support/route-access-client.ts'
import { buildRouteAccessWorld, type RouteAccessWorld } from '../support/route-access-world.ts'
import { buildTestApp, type TestApp } from '../support/test-app.ts'
import { engines } from '../support/test-database.ts'

// The route-table suite (issue 26): every route the app serves, as every role and as no one, at the
// attacker's own record, another provider's and another council's, answers as the table beside its
// capability says (src/web/route-access.ts). A route added without an entry fails here, by name.

// Every table, by the capability that keeps it ('web': the shell's own routes).
const tables: [owner: string, table: Record<string, RouteAccess>][] = [
  ['web', webRouteAccess],
  ...capabilities.map((c) => [c.name, c.routeAccess ?? {}] as [string, Record<string, RouteAccess>]),
]
const entries = new Map(
  tables.flatMap(([owner, table]) => Object.entries(table).map(([k, e]) => [k, { owner, entry: e }])),
)

// What the run sends: one route, as one attacker (null: no session), at one kind of record.
type Case = {
  key: string
  method: string
  url: string
  role: Role | null
  kind: RecordKind
  expected: Outcome
  acts: boolean
}
const unknownId = '0b7e7c2a-5d3f-4c1e-9a2b-000000000026'

// Fills a route's parameters from the world's records that its entry names; null where the world has
// no record of that kind (another provider's of a record a council holds, say).
function urlFor(pattern: string, entry: RouteAccess, world: RouteAccessWorld, kind: RecordKind) {
  if (entry === 'public') return pattern
  if (!entry.ids) return `${pattern}${entry.query ?? ''}`
  const params: Record<string, string> | undefined =
    entry.ids === 'unknown' ? {} : world.records[entry.ids]?.[kind]
  if (!params) return null
  const filled = pattern
    .replace(
      /:(\w+)/g,
      (_m, name: string) => params[name] ?? (entry.ids === 'unknown' ? placeholder(name) : `:${name}`),
    )
    .replace('*', params['*'] ?? '*')
  return `${filled}${entry.query ?? ''}`
}
// PostgreSQL (CI) sends every case; the embedded database, run on every machine, a fifth of them,
// chosen by a hash of the case so that the same ones run each time, and at least one signed-in role's
// at its own record for every route (ROUTE_TABLE=all sends every case on both).
const sendsAll = (engine: string) => engine === 'postgres' || process.env.ROUTE_TABLE === 'all'
const hashOf = (text: string) => {
  let h = 0
  for (const ch of text) h = (h * 31 + ch.charCodeAt(0)) | 0
  return Math.abs(h)
}
function inSample(c: Case) {
  const roleOfRoute = roles[hashOf(c.key) % roles.length]
  return hashOf(`${c.key} ${c.role} ${c.kind}`) % 5 === 0 || (c.role === roleOfRoute && c.kind === 'own')
}

const placeholder = (name: string) =>
  name === 'version' || name === 'n' ? '1' : name === 'key' ? 'no-such-measure' : unknownId

describe.each(engines)('route table on %s', (engine) => {
  let t: TestApp
  let world: RouteAccessWorld
  // Every route but HEAD (Fastify answers HEAD with the GET route's handler).
  let served: { key: string; owner: string }[] = []

  beforeAll(async () => {
    t = await buildTestApp(engine, { SIGN_IN_RATE_LIMIT: '100000' })
    world = await buildRouteAccessWorld(t.database.db, t.services)
    served = t.app.routeTable
      .filter((r) => r.method !== 'HEAD')
      .map((r) => ({ key: `${r.method} ${r.url}`, owner: r.owner }))
  }, 120_000)

  afterAll(async () => {
    await t?.close()
  })

  it('has an entry for every route, in the table of the capability that adds it', () => {
    const missing = served
      .filter((r) => !entries.has(r.key))
      .map((r) => `${r.key} (add it to ${r.owner}'s route-access table)`)
    expect(missing).toEqual([])
    const misplaced = served
      .filter((r) => entries.has(r.key) && entries.get(r.key)!.owner !== r.owner)
      .map((r) => `${r.key}: in ${entries.get(r.key)!.owner}'s table, added by ${r.owner}`)
    expect(misplaced).toEqual([])
    const twice = tables
      .flatMap(([, table]) => Object.keys(table))
      .filter((k, i, all) => all.indexOf(k) !== i)
    expect(twice).toEqual([])
  })

  it('has no entry for a route that no longer exists', () => {
    const keys = new Set(served.map((r) => r.key))
    const stale = [...entries.entries()]
      .filter(([k]) => !keys.has(k))
      .map(([k, { owner }]) => `${k} (in ${owner}'s table)`)
    expect(stale).toEqual([])
  })

  it('names, for every route with parameters, records of the world that fill them all', () => {
    const unfilled = served.flatMap(({ key }) => {
      const entry = entries.get(key)
      if (!entry) return []
      const pattern = key.slice(key.indexOf(' ') + 1)
      if (!/[:*]/.test(pattern)) return []
      const urls = recordKinds.map((kind) => urlFor(pattern, entry.entry, world, kind))
      if (urls.every((u) => u === null))
        return [`${key}: no records named '${(entry.entry as { ids?: string }).ids}'`]
      return urls.filter((u) => u !== null && /[:*]/.test(u)).map((u) => `${key}: ${u}`)
    })
    expect(unfilled).toEqual([])
  })

  it('answers every route, as every role and as no one, at each record, as its table says', async () => {
    const cases: Case[] = []
    for (const { key } of served) {
      const found = entries.get(key)
      if (!found) continue
      const [method, pattern] = key.split(' ') as [string, string]
      for (const role of [null, ...roles])
        for (const kind of recordKinds) {
          const url = urlFor(pattern, found.entry, world, kind)
          if (url === null || (kind !== 'own' && url === urlFor(pattern, found.entry, world, 'own'))) continue
          const acts = found.entry !== 'public' && found.entry.acts === true
          cases.push({
            key,
            method,
            url,
            role,
            kind,
            expected: expectedOutcome(found.entry, role, kind),
            acts,
          })
        }
    }
    const chosen = sendsAll(engine) ? cases : cases.filter((c) => inSample(c) || c.acts)
    const attackers = new Map<Role | null, Attacker>()
    for (const role of [null, ...roles])
      attackers.set(role, await new Attacker(t.app, role && world.actors[role]).signIn())
    const wrong: string[] = []
    let sent = 0
    // Where the time goes, for whoever makes the suite faster: the slowest routes, all their cases.
    const timeOf = new Map<string, number>()
    const send = async (c: Case) => {
      const attacker = attackers.get(c.role)!
      if (attacker.email && !attacker.signedIn) await attacker.signIn()
      const started = performance.now()
      const { outcome, status } = await attacker.request(c.method, c.url)
      timeOf.set(c.key, (timeOf.get(c.key) ?? 0) + performance.now() - started)
      sent++
      if (outcome !== c.expected)
        wrong.push(
          `${c.method} ${c.url} (${c.key}) as ${c.role ?? 'no one'} at ${c.kind}: ${status}, expected ${c.expected}`,
        )
    }
    // First every case that changes nothing, each attacker in turn through them, the attackers at once;
    // then a button's allowed press, once per record, as the first role let in.
    const first = chosen.filter((c) => !(c.acts && c.expected === 'allowed'))
    await Promise.all(
      [...attackers.keys()].map(async (role) => {
        for (const c of first.filter((x) => x.role === role)) await send(c)
      }),
    )
    const pressed = new Set<string>()
    for (const c of chosen.filter((x) => x.acts && x.expected === 'allowed')) {
      if (pressed.has(`${c.key} ${c.kind}`)) continue
      pressed.add(`${c.key} ${c.kind}`)
      await send(c)
    }
    const skippedPresses = chosen.length - sent
    console.info(
      `route table on ${engine}: ${served.length} routes, ${cases.length} cases, ${sent} sent` +
        ` (${sendsAll(engine) ? 'all' : 'the sample'}, less ${skippedPresses} presses not repeated)`,
    )
    const slowest = [...timeOf.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5)
    console.info(`slowest: ${slowest.map(([k, ms]) => `${k} ${Math.round(ms)} ms`).join(', ')}`)
    // Even the sample sends every route.
    const reached = new Set(chosen.map((c) => c.key))
    expect(served.filter((r) => !reached.has(r.key)).map((r) => r.key)).toEqual([])
    expect(wrong).toEqual([])
  }, 600_000)
})
