import fc from 'fast-check'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createLocation,
  createOrganisation,
  createProvider,
  createUser,
} from '../../../test/support/factories.ts'
import { createTestDatabase, engines, type TestDatabase } from '../../../test/support/test-database.ts'
import {
  type AlertChanges,
  type AlertRaise,
  type AlertResolve,
  type AlertUpdate,
  alertChangesStatement,
  applyAlertChanges,
} from './alert-changes.ts'

type ChangeLists = { raises: AlertRaise[]; updates: AlertUpdate[]; resolves: AlertResolve[] }

// The one writer of alerts: a set of changes in one statement must leave each location as the same
// changes written one kind at a time (resolutions, then updates, then raises, as the recompute wrote
// them before), for several locations at once.
describe.each(engines)('alert changes in one statement on %s', (engine) => {
  let t: TestDatabase
  let provider: string
  let council: string
  const at = new Date('2026-11-20T09:00:00Z')
  const keys = ['ppe-red', 'outbreak', 'no-return', 'help-requested'] as const

  beforeAll(async () => {
    t = await createTestDatabase(engine)
    council = await createOrganisation(t.db, 'council', 'Changes Council')
    provider = await createProvider(t.db, 'Changes Care Ltd')
  })
  afterAll(async () => t?.drop())

  const raise = (locationId: string, key: string, severity: 'red' | 'amber', figure: number): AlertRaise => ({
    locationId,
    source: 'rule',
    alertKey: key,
    severity,
    title: `${key} title`,
    message: `${key} (${severity})`,
    evidence: { figure },
  })

  // What a location's alerts, cases and RAG look like, without ids or the order of ids within one step.
  async function snapshot(locationId: string) {
    const db = t.db
    const alerts = await db
      .selectFrom('alerts')
      .select(['id', 'alertKey', 'status', 'severity', 'title', 'message', 'evidence', 'resolutionNote'])
      .where('locationId', '=', locationId)
      .orderBy('alertKey')
      .orderBy('raisedAt')
      .orderBy('status')
      .execute()
    const alertEvents = await db
      .selectFrom('alertEvents')
      .select(['alertId', 'kind', 'note', 'evidence'])
      .where('alertId', 'in', alerts.map((a) => a.id).concat(['00000000-0000-4000-8000-000000000000']))
      .orderBy('id')
      .execute()
    const cases = await db
      .selectFrom('cases')
      .select(['id', 'status'])
      .where('locationId', '=', locationId)
      .orderBy('openedAt')
      .execute()
    const caseEvents = await db
      .selectFrom('caseEvents')
      .select(['kind', 'note'])
      .where('caseId', 'in', cases.map((c) => c.id).concat(['00000000-0000-4000-8000-000000000000']))
      .orderBy('id')
      .execute()
    const risk = await db
      .selectFrom('locationRisk')
      .select(['rag', 'openAlerts', 'openCaseId'])
      .where('locationId', '=', locationId)
      .executeTakeFirst()
    return {
      alerts: alerts.map(({ id, ...a }) => ({
        ...a,
        events: alertEvents.filter((e) => e.alertId === id).map(({ alertId: _, ...e }) => e),
      })),
      cases: cases.map((c) => c.status),
      caseEventKinds: caseEvents.map((e) => e.kind),
      caseEvents: caseEvents.map((e) => `${e.kind}: ${e.note}`).sort(),
      risk: risk && {
        rag: risk.rag,
        openAlerts: risk.openAlerts,
        openCase: risk.openCaseId === cases.at(-1)?.id,
      },
    }
  }

  const before = fc.constantFrom('none', 'red', 'amber', 'was-open')
  const change = fc.constantFrom('keep', 'resolve', 'update', 'raise')

  it('writes resolutions, updates and raises for several locations as separate steps would', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.tuple(
            fc.array(before, { minLength: 4, maxLength: 4 }),
            fc.array(change, { minLength: 4, maxLength: 4 }),
          ),
          {
            minLength: 2,
            maxLength: 2,
          },
        ),
        async (places) => {
          const together: string[] = []
          const apart: string[] = []
          const changesFor = async (locationId: string, [states, wanted]: (typeof places)[number]) => {
            // Where the location stands: alerts open, and one raised and resolved (a case with history).
            for (const [i, state] of states.entries()) {
              const key = keys[i]!
              if (state === 'none') continue
              await applyAlertChanges(
                t.db,
                { raises: [raise(locationId, key, state === 'amber' ? 'amber' : 'red', i)] },
                at,
              )
              if (state === 'was-open') {
                const open = await t.db
                  .selectFrom('alerts')
                  .select('id')
                  .where('locationId', '=', locationId)
                  .where('alertKey', '=', key)
                  .executeTakeFirstOrThrow()
                await applyAlertChanges(
                  t.db,
                  { resolves: [{ alertId: open.id, note: 'Earlier', returnId: null }] },
                  at,
                )
              }
            }
            const open = await t.db
              .selectFrom('alerts')
              .select(['id', 'alertKey'])
              .where('locationId', '=', locationId)
              .where('status', '=', 'open')
              .execute()
            const changes: ChangeLists = { raises: [], updates: [], resolves: [] }
            for (const [i, what] of wanted.entries()) {
              const key = keys[i]!
              const alert = open.find((a) => a.alertKey === key)
              if (alert && what === 'resolve')
                changes.resolves.push({ alertId: alert.id, note: `Cleared ${key}`, returnId: null })
              if (alert && what === 'update')
                changes.updates.push({
                  alertId: alert.id,
                  severity: 'amber',
                  title: `${key} now`,
                  message: 'Changed',
                  ruleVersionId: null,
                  evidence: { figure: 10 + i },
                  returnId: null,
                })
              if (!alert && (what === 'raise' || what === 'update'))
                changes.raises.push(raise(locationId, key, 'amber', 20 + i))
            }
            return changes
          }
          const combined: ChangeLists = { raises: [], updates: [], resolves: [] }
          const separate: ChangeLists = { raises: [], updates: [], resolves: [] }
          for (const place of places) {
            const a = await createLocation(t.db, provider, council)
            const b = await createLocation(t.db, provider, council)
            together.push(a)
            apart.push(b)
            for (const [into, id] of [
              [combined, a],
              [separate, b],
            ] as const) {
              const c = await changesFor(id, place)
              into.raises.push(...c.raises)
              into.updates.push(...c.updates)
              into.resolves.push(...c.resolves)
            }
          }
          const one = await applyAlertChanges(t.db, combined, at)
          const resolved = await applyAlertChanges(t.db, { resolves: separate.resolves }, at)
          const updated = await applyAlertChanges(t.db, { updates: separate.updates }, at)
          const raised = await applyAlertChanges(t.db, { raises: separate.raises }, at)
          expect([one.resolved, one.updated, one.raised]).toEqual([
            resolved.resolved,
            updated.updated,
            raised.raised,
          ])
          expect([one.resolved, one.updated, one.raised]).toEqual([
            combined.resolves.length,
            combined.updates.length,
            combined.raises.length,
          ])
          for (const [i, a] of together.entries())
            expect(await snapshot(a)).toEqual(await snapshot(apart[i]!))
        },
      ),
      { numRuns: 15 },
    )
  })

  it('raises into the open case or a new one, says which, and leaves an alert already open alone', async () => {
    const quiet = await createLocation(t.db, provider, council)
    const busy = await createLocation(t.db, provider, council)
    const first = await applyAlertChanges(t.db, { raises: [raise(busy, 'outbreak', 'red', 1)] }, at, {
      withRaisedAlerts: true,
    })
    expect(first.raisedAlerts).toMatchObject([{ locationId: busy, alertKey: 'outbreak', caseOpened: true }])
    const again = await applyAlertChanges(
      t.db,
      {
        raises: [
          raise(quiet, 'ppe-red', 'red', 2),
          raise(busy, 'ppe-red', 'amber', 3),
          raise(busy, 'outbreak', 'amber', 4),
        ],
      },
      at,
      { withRaisedAlerts: true },
    )
    expect(again.raised).toBe(2)
    const byLocation = Object.fromEntries(again.raisedAlerts.map((r) => [r.locationId, r]))
    expect(byLocation[quiet]).toMatchObject({ alertKey: 'ppe-red', caseOpened: true })
    expect(byLocation[busy]).toMatchObject({
      alertKey: 'ppe-red',
      caseOpened: false,
      caseId: first.raisedAlerts[0]!.caseId,
    })
    expect(await snapshot(busy)).toMatchObject({
      alerts: [
        { alertKey: 'outbreak', severity: 'red', evidence: { figure: 1 } },
        { alertKey: 'ppe-red', severity: 'amber' },
      ],
      caseEventKinds: ['opened', 'alert_added', 'alert_added'],
      risk: { rag: 'red', openAlerts: 2, openCase: true },
    })
  })

  it('names the officer on every row it writes', async () => {
    const home = await createLocation(t.db, provider, council)
    const officer = await createUser(t.db, council, 'council_officer')
    const actorUserId = officer.id
    const raised = await applyAlertChanges(t.db, { raises: [raise(home, 'outbreak', 'red', 1)] }, at, {
      actorUserId,
      withRaisedAlerts: true,
    })
    const alertId = raised.raisedAlerts[0]!.alertId
    await applyAlertChanges(t.db, { resolves: [{ alertId, note: 'Sorted', returnId: null }] }, at, {
      actorUserId,
    })
    const alert = await t.db
      .selectFrom('alerts')
      .selectAll()
      .where('id', '=', alertId)
      .executeTakeFirstOrThrow()
    expect(alert).toMatchObject({ raisedBy: actorUserId, resolvedBy: actorUserId, status: 'resolved' })
    const actors = async (table: 'alertEvents' | 'caseEvents', column: 'alertId' | 'caseId', id: string) =>
      (await t.db.selectFrom(table).select('actorUserId').where(column, '=', id).execute()).map(
        (e) => e.actorUserId,
      )
    expect(await actors('alertEvents', 'alertId', alertId)).toEqual([actorUserId, actorUserId])
    expect(await actors('caseEvents', 'caseId', alert.caseId)).toEqual([
      actorUserId,
      actorUserId,
      actorUserId,
    ])
  })

  it('as part of a caller’s statement, writes nothing when the caller’s condition fails', async () => {
    const home = await createLocation(t.db, provider, council)
    await applyAlertChanges(t.db, { raises: [raise(home, 'outbreak', 'red', 1)] }, at)
    const open = await t.db
      .selectFrom('alerts')
      .select('id')
      .where('locationId', '=', home)
      .executeTakeFirstOrThrow()
    const changes: AlertChanges = {
      raises: [raise(home, 'ppe-red', 'red', 2)],
      updates: [
        {
          alertId: open.id,
          severity: 'amber',
          title: 'x',
          message: 'y',
          ruleVersionId: null,
          evidence: {},
          returnId: null,
        },
      ],
      resolves: [],
    }
    const unchanged = await snapshot(home)
    for (const saved of [false, true]) {
      const { rows } = await sql<{ raised: number }>`
        with saved as (select 1 where ${saved}),
        ${alertChangesStatement(changes, at, { when: sql`exists (select 1 from saved)` })}
        select (select count(*)::int from raised) as raised`.execute(t.db)
      expect(rows[0]!.raised).toBe(saved ? 1 : 0)
      if (!saved) expect(await snapshot(home)).toEqual(unchanged)
    }
    expect(await snapshot(home)).toMatchObject({
      alerts: [{ alertKey: 'outbreak', severity: 'amber' }, { alertKey: 'ppe-red' }],
      risk: { rag: 'red', openAlerts: 2 },
    })
  })
})
