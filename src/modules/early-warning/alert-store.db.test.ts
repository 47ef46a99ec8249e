import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLocation, createOrganisation, createProvider } from '../../../test/support/factories.ts'
import { createTestDatabase, engines, type TestDatabase } from '../../../test/support/test-database.ts'
import { raiseAlert, resolveAlert } from './alert-store.ts'

describe.each(engines)('the alert store on %s', (engine) => {
  let t: TestDatabase
  let home: string
  const at = new Date('2026-11-20T09:00:00Z')
  const alert = (key: string, severity: 'red' | 'amber', evidence: Record<string, unknown>) => ({
    locationId: home,
    source: 'rule' as const,
    alertKey: key,
    severity,
    title: key,
    message: `${key} fired`,
    evidence,
    at,
  })

  beforeAll(async () => {
    t = await createTestDatabase(engine)
    const council = await createOrganisation(t.db, 'council', 'Store Council')
    const provider = await createProvider(t.db, 'Store Care Ltd')
    home = await createLocation(t.db, provider, council, { name: 'Store Home' })
  })
  afterAll(async () => t.drop())

  const rag = async () =>
    (await t.db.selectFrom('locationRisk').selectAll().where('locationId', '=', home).executeTakeFirst())?.rag

  it('joins alerts from any source into one open case and keeps RAG at the worst open alert', async () => {
    const first = await raiseAlert(t.db, alert('ppe-low', 'amber', { lowestPpeDays: 5 }))
    expect(first).toMatchObject({ outcome: 'raised', caseOpened: true })
    expect(await rag()).toBe('amber')
    const again = await raiseAlert(t.db, alert('ppe-low', 'amber', { lowestPpeDays: 5 }))
    expect(again).toMatchObject({ outcome: 'unchanged', alertId: first.alertId })
    const worse = await raiseAlert(t.db, alert('ppe-low', 'red', { lowestPpeDays: 1 }))
    expect(worse).toMatchObject({ outcome: 'updated', alertId: first.alertId })
    expect(await rag()).toBe('red')
    const tracker = await raiseAlert(t.db, {
      ...alert('capacity-tracker', 'red', { status: 'red' }),
      source: 'capacity_tracker',
    })
    expect(tracker.caseId).toBe(first.caseId)
    expect(tracker.caseOpened).toBe(false)
    const open = await t.db.selectFrom('cases').select('id').where('locationId', '=', home).execute()
    expect(open).toHaveLength(1)

    expect(await resolveAlert(t.db, { alertId: first.alertId, note: 'Return cleared it', at })).toBe(true)
    expect(await resolveAlert(t.db, { alertId: first.alertId, note: 'twice', at })).toBe(false)
    expect(await rag()).toBe('red')
    await resolveAlert(t.db, { alertId: tracker.alertId, note: 'Tracker green', at })
    expect(await rag()).toBe('green')
    const history = await t.db
      .selectFrom('alertEvents')
      .select('kind')
      .where('alertId', '=', first.alertId)
      .orderBy('id')
      .execute()
    expect(history.map((h) => h.kind)).toEqual(['raised', 'evidence_updated', 'resolved'])
    // A new alert for the same rule after resolution is a new alert in the same (still open) case.
    const back = await raiseAlert(t.db, alert('ppe-low', 'amber', { lowestPpeDays: 6 }))
    expect(back.alertId).not.toBe(first.alertId)
    expect(back.caseId).toBe(first.caseId)
  })
})
