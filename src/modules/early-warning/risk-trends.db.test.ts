import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLocation, createOrganisation } from '../../../test/support/factories.ts'
import { riskMarket } from '../../../test/support/risk-market.ts'
import type { TestApp } from '../../../test/support/test-app.ts'
import { engines } from '../../../test/support/test-database.ts'
import { evaluate, parseCondition } from './domain/condition.ts'
import type { Measures } from './domain/measures.ts'
import { type LocationTrends, trendNeeds, trendOutcome } from './domain/trends.ts'
import { measuresForLocations } from './risk-measures.ts'
import { recomputeRisk } from './risk-recompute.ts'
import { trendsForLocations } from './risk-trends.ts'

// The trend and outlier figures worked out in SQL, against figures worked out by hand. Today is
// Friday 1 May 2020 (London); every return is daily unless said otherwise.
const today = '2020-05-01'
const now = new Date('2020-05-01T12:00:00Z')

const needs = trendNeeds([
  { measure: 'staff_absence_percent', test: { type: 'run', direction: 'up', periods: 4 } },
  { measure: 'staff_absence_percent', test: { type: 'change', direction: 'up', percent: 50 } },
  { measure: 'staff_absence_percent', test: { type: 'peers', direction: 'up', percentile: 95 } },
  { measure: 'staff_absence_percent', test: { type: 'peers', direction: 'up', percentile: 90 } },
  { measure: 'lowest_ppe_days', test: { type: 'peers', direction: 'down', percentile: 5 } },
  { measure: 'lowest_ppe_days', test: { type: 'run', direction: 'down', periods: 2 } },
])!

const holds = (trends: LocationTrends | undefined, condition: string) => {
  const parsed = parseCondition(condition)
  if (!parsed.ok) throw new Error(parsed.error)
  return evaluate(parsed.condition, { trends } as Measures)
}

describe.each(engines)('trend and outlier measures on %s', (engine) => {
  let t: TestApp
  let council: string
  let provider: string
  let peerCouncil: string
  const ids: Record<string, string> = {}
  let all: Map<string, LocationTrends>

  // A return's figures: staff absence `absent` in 100 staff (null: not given), gloves days.
  const insert = async (
    name: string,
    periodStart: string,
    figures: { absent: number | null; gloves?: number },
    frequency: 'daily' | 'weekly' = 'daily',
  ) => {
    const values = {
      ...(figures.absent === null
        ? {}
        : { staffEmployed: 100, staffAbsentCovid: figures.absent, staffAbsentOther: 0 }),
      ppeDaysGloves: figures.gloves ?? 20,
      ppeDaysAprons: 30,
    }
    await t.database.db
      .insertInto('situationReturns')
      .values({
        locationId: ids[name]!,
        frequency,
        periodStart,
        version: 1,
        isCurrent: true,
        datasetVersion: 1,
        values: JSON.stringify(values),
        nilReturn: false,
        nothingChanged: false,
        source: 'web',
        timing: 'on-time',
        submittedBy: null,
        submittedAt: new Date(`${periodStart}T09:00:00Z`),
        amendmentReason: null,
      })
      .execute()
  }
  const day = (n: number) => new Date(Date.UTC(2020, 4, 1 + n)).toISOString().slice(0, 10) // 0 = today

  beforeAll(async () => {
    ;({ t, council, provider } = await riskMarket(engine))
    const db = t.database.db
    peerCouncil = await createOrganisation(db, 'council', 'Peer Council')
    for (const name of ['Rising', 'Gap', 'Unreported', 'Stale', 'Baseline', 'Short'])
      ids[name] = await createLocation(db, provider, council, { name })

    // Rising: 5 % on 26 April, no return on the 27th, then 8, 10, 14, 19 %: up 3 days running, the
    // missing day ends the run (so not 4). Gloves 9, 7, 4, 4 days: falling for 1 period only (4 = 4).
    await insert('Rising', day(-5), { absent: 5 })
    for (const [n, absent, gloves] of [
      [-3, 8, 9],
      [-2, 10, 7],
      [-1, 14, 4],
      [0, 19, 4],
    ] as const)
      await insert('Rising', day(n), { absent, gloves })
    // Gap: 8, 12, 13 % but the middle day is a return without staffing figures: no run.
    await insert('Gap', day(-3), { absent: 8 })
    await insert('Gap', day(-2), { absent: 12 })
    await insert('Gap', day(-1), { absent: null })
    await insert('Gap', day(0), { absent: 13 })
    // Unreported: the latest return has no staffing figures: nothing about absence can be judged.
    await insert('Unreported', day(-1), { absent: 5 })
    await insert('Unreported', day(0), { absent: null })
    // Stale: rising 3 days running, but 20 days ago: no return in the last 14 days, so no trends.
    for (const n of [-23, -22, -21, -20]) await insert('Stale', day(n), { absent: 30 + n })
    // Baseline: 10 % on each of the 14 days 17–30 April, 90 % on 1 April (before the 4 weeks, which
    // start on 4 April), 16 % today: 60 % up on a 4-week average of 10 %.
    await insert('Baseline', day(-30), { absent: 90 })
    for (let n = -14; n <= -1; n++) await insert('Baseline', day(n), { absent: 10 })
    await insert('Baseline', day(0), { absent: 16 })
    // Short: the same but 13 days of history: too few returns for a 4-week average.
    for (let n = -13; n <= -1; n++) await insert('Short', day(n), { absent: 10 })
    await insert('Short', day(0), { absent: 16 })

    // Weekly (home care, so not the homes' peer): 2, 4, 6, 8 % on the Mondays 6–27 April: up 3 weeks running.
    ids.Weekly = await createLocation(db, provider, council, { name: 'Weekly', serviceType: 'home_care' })
    for (const [n, absent] of [
      [-25, 2],
      [-18, 4],
      [-11, 6],
      [-4, 8],
    ] as const)
      await insert('Weekly', day(n), { absent }, 'weekly')

    // Peer Council: 20 care homes with i % absent and i days of gloves (i = 1…20) today, one of them
    // (Peer 7) with no staffing figures; and a home care agency with 50 % absent, peerless.
    for (let i = 1; i <= 20; i++) {
      ids[`Peer ${i}`] = await createLocation(db, provider, peerCouncil, { name: `Peer ${i}` })
      await insert(`Peer ${i}`, today, { absent: i === 7 ? null : i, gloves: i })
    }
    ids.Agency = await createLocation(db, provider, peerCouncil, { name: 'Agency', serviceType: 'home_care' })
    await insert('Agency', today, { absent: 50 })
    all = await trendsForLocations(db, today, needs)
  })
  afterAll(async () => t?.close())

  const absence = (name: string) => all.get(ids[name]!)?.staff_absence_percent

  it('rising: counts consecutive rises ending with the latest return; a missing day or figure ends the run', () => {
    expect(absence('Rising')).toMatchObject({ latest: 19, rising: 3, falling: 0, recent: [19, 14, 10, 8] })
    expect(holds(all.get(ids.Rising!), 'staff_absence_percent rising for 3 periods')).toBe(true)
    expect(holds(all.get(ids.Rising!), 'staff_absence_percent rising for 4 periods')).toBe(false)
    expect(
      trendOutcome(
        'staff_absence_percent',
        { type: 'run', direction: 'up', periods: 3 },
        all.get(ids.Rising!),
      ).reason,
    ).toBe('Staff absence rose from 8 % to 19 % over 3 days')
    expect(all.get(ids.Rising!)?.lowest_ppe_days).toMatchObject({ latest: 4, falling: 0, rising: 0 })
    expect(absence('Weekly')).toMatchObject({ frequency: 'weekly', latest: 8, rising: 3 })
    expect(
      trendOutcome(
        'staff_absence_percent',
        { type: 'run', direction: 'up', periods: 3 },
        all.get(ids.Weekly!),
      ).reason,
    ).toBe('Staff absence rose from 2 % to 8 % over 3 weeks')
    expect(absence('Gap')).toMatchObject({ latest: 13, rising: 0 })
    expect(holds(all.get(ids.Gap!), 'staff_absence_percent rising for 2 periods')).toBe(false)
  })

  it('no figure in the latest return, or no return in the last 14 days: cannot be judged, never fires', () => {
    expect(absence('Unreported')).toMatchObject({ latest: null })
    expect(all.has(ids.Stale!)).toBe(false)
    for (const name of ['Unreported', 'Stale'])
      for (const condition of [
        'staff_absence_percent rising for 2 periods',
        'not staff_absence_percent rising for 2 periods',
        'not staff_absence_percent up more than 10% on 4 weeks',
      ])
        expect(holds(all.get(ids[name]!), condition)).toBe(false)
  })

  it('change: the latest against the average of the other returns in the last 4 weeks, given 14 of them', () => {
    expect(absence('Baseline')).toMatchObject({ latest: 16, baselineAverage: 10, baselineReturns: 14 })
    expect(holds(all.get(ids.Baseline!), 'staff_absence_percent up more than 50% on 4 weeks')).toBe(true)
    expect(holds(all.get(ids.Baseline!), 'staff_absence_percent up more than 60% on 4 weeks')).toBe(false)
    expect(
      trendOutcome(
        'staff_absence_percent',
        { type: 'change', direction: 'up', percent: 50 },
        all.get(ids.Baseline!),
      ).reason,
    ).toBe('Staff absence was 16 %, up 60 % on its 4-week average of 10 %')
    // 13 returns: fewer than 4 weeks' worth, so neither the test nor its negation holds.
    expect(absence('Short')).toMatchObject({ latest: 16, baselineAverage: 10, baselineReturns: 13 })
    expect(holds(all.get(ids.Short!), 'staff_absence_percent up more than 50% on 4 weeks')).toBe(false)
    expect(holds(all.get(ids.Short!), 'not staff_absence_percent up more than 50% on 4 weeks')).toBe(false)
  })

  it('peers: percentile_cont over the same service type in the same council, given enough peers', () => {
    // Absence known for 19 homes (1…20 but 7): the 95th percentile needs 20 peers, so cannot be
    // judged; the 90th needs 10: position 0.9 × 18 = 16.2 in 1…6, 8…20 → 18 + 0.2 × 1 = 18.2.
    const top = all.get(ids['Peer 20']!)
    expect(top?.staff_absence_percent).toMatchObject({ latest: 20, peers: 19 })
    expect(top?.staff_absence_percent?.percentiles['90']).toBeCloseTo(18.2, 10)
    expect(holds(top, 'staff_absence_percent above 95th percentile of peers')).toBe(false)
    expect(holds(top, 'not staff_absence_percent above 95th percentile of peers')).toBe(false)
    expect(holds(top, 'staff_absence_percent above 90th percentile of peers')).toBe(true)
    expect(holds(all.get(ids['Peer 18']!), 'staff_absence_percent above 90th percentile of peers')).toBe(
      false,
    )
    // Gloves known for all 20: the 5th percentile is at 0.05 × 19 = 0.95 → 1 + 0.95 × 1 = 1.95 days.
    const bottom = all.get(ids['Peer 1']!)
    expect(bottom?.lowest_ppe_days).toMatchObject({ latest: 1, peers: 20 })
    expect(bottom?.lowest_ppe_days?.percentiles['5']).toBeCloseTo(1.95, 10)
    expect(holds(bottom, 'lowest_ppe_days below 5th percentile of peers')).toBe(true)
    expect(holds(all.get(ids['Peer 2']!), 'lowest_ppe_days below 5th percentile of peers')).toBe(false)
    expect(
      trendOutcome('lowest_ppe_days', { type: 'peers', direction: 'down', percentile: 5 }, bottom).reason,
    ).toBe(
      'The lowest PPE stock was 1 day, below the 5th percentile (2 days) of its 20 peers of the same service type in the council',
    )
    // The agency is alone of its type in its council; the first council's homes are not its peers.
    expect(all.get(ids.Agency!)?.staff_absence_percent).toMatchObject({ latest: 50, peers: 1 })
    expect(holds(all.get(ids.Agency!), 'staff_absence_percent above 90th percentile of peers')).toBe(false)
    // The first council's homes with absence known today: Rising, Gap, Baseline and Short (not
    // Unreported, whose latest return has no staffing figures, nor Stale, with no recent return).
    expect(all.get(ids.Rising!)?.staff_absence_percent?.peers).toBe(4)
  })

  it('a few locations get the same figures as the whole market, their peers read in full', async () => {
    const few = [ids['Peer 20']!, ids.Rising!, ids.Baseline!]
    const some = await trendsForLocations(t.database.db, today, needs, few)
    expect([...some.keys()].sort()).toEqual([...few].sort())
    for (const id of few) expect(some.get(id)).toEqual(all.get(id))
    const [measured] = await measuresForLocations(t.database.db, now, [ids['Peer 20']!], undefined, needs)
    expect(measured!.measures.trends).toEqual(all.get(ids['Peer 20']!))
    // The whole market's figures come from the scan the other measures make: the same.
    const whole = await measuresForLocations(t.database.db, now, undefined, undefined, needs)
    expect(whole.filter((m) => Object.keys(m.measures.trends ?? {}).length > 0)).toHaveLength(all.size)
    for (const m of whole) expect(m.measures.trends).toEqual(all.get(m.locationId) ?? {})
  })

  it('a rule with a trend test raises an alert whose evidence gives the reason in words', async () => {
    const db = t.database.db
    await db
      .insertInto('riskRuleVersions')
      .values({
        councilId: council,
        ruleKey: 'absence-rising',
        version: 1,
        isCurrent: true,
        name: 'Staff absence rising',
        condition: 'staff_absence_percent rising for 3 periods',
        severity: 'amber',
        message: 'Absence is climbing.',
        enabled: true,
        changeNote: null,
        changedBy: null,
        changedAt: now,
      })
      .execute()
    await recomputeRisk(db, now)
    const alerts = await db
      .selectFrom('alerts')
      .select(['locationId', 'evidence'])
      .where('alertKey', '=', 'absence-rising')
      .where('status', '=', 'open')
      .execute()
    expect(alerts).toHaveLength(2)
    expect(alerts).toEqual(
      expect.arrayContaining([
        {
          locationId: ids.Rising,
          evidence: expect.objectContaining({
            staffAbsencePercent: 19,
            reason: 'Staff absence rose from 8 % to 19 % over 3 days',
          }),
        },
        {
          locationId: ids.Weekly,
          evidence: expect.objectContaining({ reason: 'Staff absence rose from 2 % to 8 % over 3 weeks' }),
        },
      ]),
    )
    // The per-return path (a few locations, the rules read with them) agrees and changes nothing.
    expect(await recomputeRisk(db, now, [ids.Rising!, ids.Gap!])).toMatchObject({
      raised: 0,
      updated: 0,
      resolved: 0,
    })
  })
})
