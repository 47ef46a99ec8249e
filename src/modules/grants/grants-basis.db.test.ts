import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { actorFor as loadActorOf } from '../../../test/support/actors.ts'
import type { TestApp } from '../../../test/support/test-app.ts'
import { engines } from '../../../test/support/test-database.ts'
import type { RoundForm } from './domain/round-rules.ts'
import { roundForm, setUpGrants } from './grants.test-fixture.ts'

// Each basis of a round read as it stood on the snapshot date: registered beds from the directory's
// dated history of beds, occupied beds from the returns just before, people supported for home care.
describe.each(engines)('what a round is per, on %s', (engine) => {
  let t: TestApp
  const ids: Record<string, string> = {}
  const emails: Record<string, string> = {}

  beforeAll(async () => {
    t = await setUpGrants(engine, ids, emails)
  })
  afterAll(async () => {
    await t?.close()
  })

  // A round previewed by finance; its lines by location name (basis value, pence, reason).
  const previewed = async (changes: Partial<RoundForm>) => {
    const actor = await loadActorOf(t.database.db, ids.finance!)
    const created = await t.services.grants.createRound(actor, { ...roundForm, ...changes })
    if (!created?.ok) throw new Error(JSON.stringify(created))
    expect(await t.services.grants.preview(actor, created.value.id)).not.toBeNull()
    const page = await t.services.grants.round(actor, created.value.id)
    return Object.fromEntries(
      (page?.preview?.lines ?? []).map((l) => [l.name, [l.basisValue, l.amountPence, l.reason]]),
    )
  }
  const openAndReturned = { rules: ['registered-open'] }

  it('keeps a dated history of beds when a location is added or its beds change', async () => {
    const db = t.database.db
    const history = async () =>
      (
        await db
          .selectFrom('locationBedHistory')
          .select(['registeredBeds', 'effectiveFrom'])
          .where('locationId', '=', ids.birch!)
          .orderBy('effectiveFrom')
          .execute()
      ).map((h) => [h.registeredBeds, String(h.effectiveFrom).slice(0, 10)])
    // Added with 40 beds, registered in 2015 (the factory's date).
    expect(await history()).toEqual([[40, '2015-01-01']])
    await db.updateTable('locations').set({ name: 'Birch House' }).where('id', '=', ids.birch!).execute()
    expect(await history()).toHaveLength(1)
    await db.updateTable('locations').set({ registeredBeds: 55 }).where('id', '=', ids.birch!).execute()
    const after = await history()
    expect(after).toHaveLength(2)
    expect(after[1]![0]).toBe(55)
  })

  it('per registered bed: the beds as they stood on the snapshot date, not as they are now', async () => {
    // Birch House went from 40 to 55 beds on 1 June 2020 (the history says so; the record says 55).
    await t.database.db
      .insertInto('locationBedHistory')
      .values({ locationId: ids.birch!, registeredBeds: 55, effectiveFrom: '2020-06-01' })
      .execute()
    const may = await previewed({ ...openAndReturned, snapshotDay: '14', snapshotMonth: '4' })
    expect(may['Birch House']).toEqual([40, 28_500_000n, null])
    expect(may['Cedar Court']![0]).toBe(60)
    const june = await previewed({
      ...openAndReturned,
      snapshotDay: '15',
      snapshotMonth: '6',
      roundDay: '15',
      roundMonth: '6',
      tranche1Day: '16',
      tranche1Month: '6',
    })
    expect(june['Birch House']![0]).toBe(55)
    expect(june['Elm Lodge']![2]).toBe('Closed on 15 June 2020')
  })

  it('per occupied bed: the beds occupied in the latest return in the 14 days to the snapshot date', async () => {
    const db = t.database.db
    const occupied = async (locationId: string, periodStart: string, beds: number) =>
      db
        .insertInto('situationReturns')
        .values({
          locationId,
          frequency: 'daily',
          periodStart,
          version: 1,
          isCurrent: true,
          datasetVersion: 1,
          values: JSON.stringify({ bedsOccupied: beds }),
          nilReturn: false,
          nothingChanged: false,
          source: 'import',
          timing: 'on-time',
          submittedBy: null,
          submittedAt: new Date(`${periodStart}T09:00:00Z`),
          amendmentReason: null,
        })
        .execute()
    await occupied(ids.birch!, '2020-04-08', 20)
    await occupied(ids.birch!, '2020-04-12', 30)
    // Cedar Court's only occupancy is from before the window; Elm Lodge is closed.
    await occupied(ids.cedar!, '2020-03-20', 50)
    const lines = await previewed({ ...openAndReturned, basis: 'occupied_beds' })
    // (£1,000,000.00 − £50,000.00) × 75 % = £712,500.00, all to Birch House's 30 occupied beds.
    expect(lines['Birch House']).toEqual([30, 71_250_000n, null])
    expect(lines['Cedar Court']).toEqual([
      0,
      0n,
      'No return in the 14 days to 14 April 2020 with beds occupied',
    ])
    expect(lines['Elm Lodge']![2]).toBe('Closed on 14 April 2020')
    expect(lines['Fir Home Care']![2]).toBe('Not a care home: the round is per occupied bed')
  })

  it('per person supported: home care by the people it supports, care homes left out', async () => {
    await t.database.db
      .updateTable('locations')
      .set({ peopleSupported: 120 })
      .where('id', '=', ids.homeCare!)
      .execute()
    const lines = await previewed({ ...openAndReturned, basis: 'people_supported' })
    expect(lines['Fir Home Care']).toEqual([120, 71_250_000n, null])
    expect(lines['Birch House']![2]).toBe('A care home: the round is per person supported')
  })

  it('asks for the capacity tracker up to date apart from returns made on the form', async () => {
    // Cedar Court returned on the form on 13 April; only the tracker's imports count for this rule.
    await t.database.db
      .insertInto('situationReturns')
      .values({
        locationId: ids.cedar!,
        frequency: 'daily',
        periodStart: '2020-04-13',
        version: 1,
        isCurrent: true,
        datasetVersion: 1,
        values: JSON.stringify({}),
        nilReturn: false,
        nothingChanged: false,
        source: 'web',
        timing: 'on-time',
        submittedBy: null,
        submittedAt: new Date('2020-04-13T09:00:00Z'),
        amendmentReason: null,
      })
      .execute()
    const tracker = await previewed({ rules: ['registered-open', 'tracker-up-to-date'] })
    expect(tracker['Birch House']![2]).toBeNull()
    expect(tracker['Cedar Court']![2]).toBe('No capacity tracker record in the 14 days to 14 April 2020')
    const returned = await previewed({ rules: ['registered-open', 'returns-submitted'] })
    expect(returned['Cedar Court']![2]).toBeNull()
  })

  it('per bed to care homes and per person supported to home care, in one round', async () => {
    const lines = await previewed({
      ...openAndReturned,
      formulaShare: '60',
      homeCareShare: '20',
      discretionaryShare: '20',
    })
    // £950,000.00 shared out: 60 % per registered bed (Birch 55 on the record but 40 on 14 April, Cedar
    // 60), 20 % per person supported (Fir Home Care's 120).
    expect(lines['Birch House']).toEqual([40, 22_800_000n, null])
    expect(lines['Cedar Court']).toEqual([60, 34_200_000n, null])
    expect(lines['Fir Home Care']).toEqual([120, 19_000_000n, null])
  })

  it('reads the status recorded last when two take effect on the same day', async () => {
    // Elm Lodge closed from 1 March 2020; a correction recorded later says it stayed open that day.
    await t.database.db
      .insertInto('locationStatusEvents')
      .values({
        locationId: ids.closed!,
        status: 'open',
        effectiveFrom: '2020-03-01',
        source: 'test',
        importId: null,
        recordedBy: null,
        recordedAt: new Date(Date.now() + 60_000),
      })
      .execute()
    const lines = await previewed(openAndReturned)
    expect(lines['Elm Lodge']).toEqual([20, expect.any(BigInt), null])
  })
})
