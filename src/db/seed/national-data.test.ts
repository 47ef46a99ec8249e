import { describe, expect, it } from 'vitest'
import { currentDataset, defaultWindows, parseReturn } from '../../modules/returns/index.ts'
import { copyField, returnCopyLine, situationReturnColumns } from './copy-text.ts'
import { frequencyOf, generateDirectory } from './national-data.ts'
import {
  type GeneratedReturn,
  periodsBefore,
  returnsForPeriod,
  storyFor,
  windowTimesMs,
} from './national-returns.ts'
import { createRng } from './national-rng.ts'

const now = new Date('2026-11-23T08:00:00Z')

// A county's worth of locations for 60 days: every generated return goes through the app's own validation.
function generate(days: number) {
  const directory = generateDirectory('county')
  const rng = createRng(7)
  const returns: GeneratedReturn[] = []
  for (const frequency of ['daily', 'weekly'] as const) {
    const locations = directory.locations.filter((l) => frequencyOf(l.serviceType) === frequency)
    const stories = locations.map((l) => storyFor(l, days, rng))
    for (const [day, period] of periodsBefore(now, days, frequency).entries()) {
      const times = windowTimesMs(period, defaultWindows[frequency])
      for (const [i, location] of locations.entries())
        returns.push(
          ...returnsForPeriod(
            directory,
            location,
            period,
            frequency === 'daily' ? day : day * 7,
            times,
            stories[i]!,
            rng,
          ),
        )
    }
  }
  return { directory, returns }
}

// Generous time-outs: the machine is shared, and these tests generate tens of thousands of rows (not timed).
describe('national data generator', { timeout: 30_000 }, () => {
  const { directory, returns } = generate(60)
  const locationOf = new Map(directory.locations.map((l) => [l.id, l]))

  it('is deterministic: the same seed gives the same directory and returns', () => {
    const again = generate(60)
    expect(again.directory.locations.slice(0, 50)).toEqual(directory.locations.slice(0, 50))
    expect(again.returns.length).toBe(returns.length)
    expect(again.returns.slice(-20)).toEqual(returns.slice(-20))
  })

  it('makes councils, providers and locations at the scale asked, with a care-home share like the CQC register', () => {
    const national = generateDirectory('national')
    expect(national.councils).toHaveLength(150)
    expect(national.locations).toHaveLength(27_000)
    expect(new Set(national.locations.map((l) => l.id)).size).toBe(27_000)
    expect(new Set(national.councils.map((c) => c.name.toLowerCase())).size).toBe(150)
    expect(new Set(national.providers.map((p) => p.name.toLowerCase())).size).toBe(national.providers.length)
    const careHomes = national.locations.filter((l) => l.registeredBeds !== null).length / 27_000
    expect(careHomes).toBeGreaterThan(0.35)
    expect(careHomes).toBeLessThan(0.45)
    // Every council has locations.
    expect(new Set(national.locations.map((l) => l.councilIndex)).size).toBe(150)
  })

  it("passes the app's own validation: parseReturn accepts every sampled return and gives back the same values", () => {
    const sample = returns.filter((_, i) => i % 7 === 0)
    expect(sample.length).toBeGreaterThan(3_000)
    for (const r of sample) {
      const location = locationOf.get(r.locationId)!
      const parsed = parseReturn(currentDataset, location.serviceType, r.values)
      if (!parsed.ok)
        throw new Error(
          `${location.serviceType} ${JSON.stringify(r.values)}: ${JSON.stringify(parsed.errors)}`,
        )
      expect(parsed.values).toEqual(r.values)
    }
  })

  it('has outbreaks, PPE shortages, late and missing returns and amendments for the dashboards and rules to find', () => {
    const values = returns.map((r) => r.values)
    expect(values.filter((v) => v.closedToAdmissions === true).length).toBeGreaterThan(100)
    expect(values.filter((v) => (v.confirmedCasesResidents as number) > 0).length).toBeGreaterThan(100)
    expect(values.filter((v) => (v.ppeDaysFfp3Masks as number) <= 3).length).toBeGreaterThan(100)
    expect(values.filter((v) => v.helpRequested === 'ppe').length).toBeGreaterThan(50)
    expect(returns.filter((r) => r.timing === 'late').length).toBeGreaterThan(1000)
    expect(returns.filter((r) => r.source === 'api').length).toBeGreaterThan(1000)
    expect(returns.filter((r) => r.nothingChanged).length).toBeGreaterThan(1000)
    const amended = returns.filter((r) => r.version === 2)
    expect(amended.length).toBeGreaterThan(10)
    for (const r of amended) expect(r.amendmentReason).toBeTruthy()
    // One current version per location and period, as the unique index demands.
    const current = new Set<string>()
    for (const r of returns.filter((r) => r.isCurrent)) {
      const key = `${r.locationId} ${r.periodStart}`
      expect(current.has(key)).toBe(false)
      current.add(key)
    }
    const expectedPeriods = directory.locations.reduce(
      (n, l) => n + (frequencyOf(l.serviceType) === 'daily' ? 60 : periodsBefore(now, 60, 'weekly').length),
      0,
    )
    expect(current.size).toBeLessThan(expectedPeriods)
    expect(current.size).toBeGreaterThan(expectedPeriods * 0.9)
  })

  it('stamps each return as the app does: on time before the deadline, late after it', () => {
    const dueOf = new Map(
      (['daily', 'weekly'] as const).flatMap((f) =>
        periodsBefore(now, 60, f).map((p) => [`${f} ${p.start}`, windowTimesMs(p, defaultWindows[f]).dueAt]),
      ),
    )
    for (const r of returns.slice(0, 5000)) {
      const due = dueOf.get(`${r.frequency} ${r.periodStart}`)!
      if (r.version === 1) expect(r.timing === 'late').toBe(r.submittedAt.getTime() > due)
      expect(r.datasetVersion).toBe(currentDataset.version)
    }
  })

  it('leaves the current period for the location to send, and starts the given number of days back', () => {
    const daily = periodsBefore(now, 365, 'daily')
    expect(daily).toHaveLength(365)
    expect(daily.at(-1)!.start).toBe('2026-11-22')
    expect(daily[0]!.start).toBe('2025-11-23')
    const weekly = periodsBefore(now, 365, 'weekly')
    expect(weekly.at(-1)!.start).toBe('2026-11-16')
    expect(weekly.every((p) => p.start >= '2025-11-23')).toBe(true)
  })

  it('writes COPY text that PostgreSQL reads back as the same values', () => {
    expect(copyField(null)).toBe('\\N')
    expect(copyField('a\\b\tc\nd')).toBe('a\\\\b\\tc\\nd')
    const line = returnCopyLine(returns[0]!)
    expect(line.endsWith('\n')).toBe(true)
    expect(line.split('\t')).toHaveLength(situationReturnColumns.length)
  })
})
