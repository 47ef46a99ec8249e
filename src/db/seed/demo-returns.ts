import type { Faker } from '@faker-js/faker'
import type { Insertable } from 'kysely'
import type { ServiceType } from '../../domain/service-types.ts'
import {
  currentDataset,
  defaultWindows,
  type Frequency,
  type Period,
  parseReturn,
  periodContaining,
  previousPeriod,
  windowTimes,
} from '../../modules/returns/index.ts'
import { withRiskFiguresFilledAfter } from '../../modules/early-warning/index.ts'
import type { DbOrTransaction } from '../database.ts'
import type { Database } from '../schema.ts'
import { copyInto } from './copy-into.ts'

type DemoReturnRow = Insertable<Database['situationReturns']>

type DemoLocation = {
  id: string
  serviceType: ServiceType
  registeredBeds: number | null
  peopleSupported: number | null
}

// Twelve weeks of plausible returns, so that every screen has something real to show: most providers
// report on time, some are often late, a few miss days; a few homes have outbreaks, some run short of PPE.
export async function loadDemoReturns(
  db: DbOrTransaction,
  faker: Faker,
  locations: DemoLocation[],
  now: Date,
  weeks = 12,
  // Told how far it is, for the first start's progress bar: making each location's returns is the first
  // half of the work, saving them all the second.
  saved: (done: number, total: number) => void = () => {},
): Promise<number> {
  const rows: DemoReturnRow[] = []
  // Every location walks back over the same periods: worked out once a frequency, not once a return
  // (time-zone arithmetic is slow, and it was a third of the demo's returns).
  const periods = { daily: demoPeriods('daily', now, weeks), weekly: demoPeriods('weekly', now, weeks) }
  for (const [i, location] of locations.entries()) {
    if (i % 100 === 0) saved(i, 2 * locations.length)
    const frequency: Frequency =
      location.serviceType === 'home_care' || location.serviceType === 'other' ? 'weekly' : 'daily'
    const habit = faker.helpers.weightedArrayElement([
      { value: 'reliable', weight: 80 },
      { value: 'often-late', weight: 14 },
      { value: 'patchy', weight: 6 },
    ])
    const outbreakDay =
      location.registeredBeds && faker.datatype.boolean(0.12)
        ? faker.number.int({ min: 5, max: weeks * 7 - 5 })
        : null
    const shortageDay = faker.datatype.boolean(0.1) ? faker.number.int({ min: 0, max: weeks * 7 - 10 }) : null
    const staff = Math.max(
      6,
      Math.round(
        (location.registeredBeds ?? location.peopleSupported ?? 20) *
          faker.number.float({ min: 0.8, max: 1.4 }),
      ),
    )
    for (const { period, dayIndex, due } of periods[frequency]) {
      if (habit === 'patchy' && faker.datatype.boolean(0.25)) continue
      const inOutbreak = outbreakDay !== null && dayIndex >= outbreakDay && dayIndex < outbreakDay + 21
      const short = shortageDay !== null && dayIndex >= shortageDay && dayIndex < shortageDay + 10
      const values = demoValues(faker, location, staff, inOutbreak, short)
      const parsed = parseReturn(currentDataset, location.serviceType, values)
      if (!parsed.ok) continue
      const late = habit === 'often-late' ? faker.datatype.boolean(0.5) : faker.datatype.boolean(0.03)
      const submittedAt = new Date(
        due.getTime() + (late ? 1 : -1) * faker.number.int({ min: 10, max: 300 }) * 60_000,
      )
      rows.push({
        locationId: location.id,
        frequency,
        periodStart: period.start,
        version: 1,
        isCurrent: true,
        datasetVersion: currentDataset.version,
        values: JSON.stringify(parsed.values),
        nilReturn: false,
        nothingChanged: false,
        source: 'web',
        timing: late ? 'late' : 'on-time',
        submittedBy: null,
        submittedAt,
        amendmentReason: null,
      })
    }
  }
  saved(locations.length, 2 * locations.length)
  await withRiskFiguresFilledAfter(db, () => copyInto(db, 'situationReturns', rows))
  saved(2 * locations.length, 2 * locations.length)
  return rows.length
}

// The periods before the current one, back `weeks` weeks, newest first, each with its day in the demo's
// twelve weeks (0 the newest) and when its return was due. Today's own return is left for the demo
// user to send.
function demoPeriods(frequency: 'daily' | 'weekly', now: Date, weeks: number) {
  const first = periodContaining(frequency, new Date(now.getTime() - weeks * 7 * 86_400_000))
  const periods: { period: Period; dayIndex: number; due: Date }[] = []
  let day = weeks * 7 - 1
  for (
    let period = previousPeriod(periodContaining(frequency, now));
    period.start >= first.start;
    period = previousPeriod(period), day -= frequency === 'daily' ? 1 : 7
  ) {
    periods.push({
      period,
      dayIndex: weeks * 7 - 1 - day,
      due: windowTimes(period, defaultWindows[frequency]).dueAt,
    })
  }
  return periods
}

function demoValues(
  faker: Faker,
  location: DemoLocation,
  staff: number,
  outbreak: boolean,
  short: boolean,
): Record<string, string> {
  const n = (min: number, max: number) => String(faker.number.int({ min, max }))
  const ppe = (item: string) =>
    short && (item === 'TypeIirMasks' || item === 'Gloves' || item === 'Ffp3Masks') ? n(0, 3) : n(7, 40)
  const confirmed = outbreak ? faker.number.int({ min: 0, max: 3 }) : faker.datatype.boolean(0.01) ? 1 : 0
  const suspected = outbreak ? faker.number.int({ min: 1, max: 4 }) : faker.datatype.boolean(0.03) ? 1 : 0
  const absentCovid = outbreak
    ? faker.number.int({ min: 2, max: Math.max(3, Math.round(staff * 0.25)) })
    : faker.number.int({ min: 0, max: 2 })
  const base: Record<string, string> = {
    ppeDaysGloves: ppe('Gloves'),
    ppeDaysAprons: ppe('Aprons'),
    ppeDaysTypeIirMasks: ppe('TypeIirMasks'),
    ppeDaysFfp3Masks: ppe('Ffp3Masks'),
    ppeDaysEyeProtection: ppe('EyeProtection'),
    ppeDaysHandSanitiser: ppe('HandSanitiser'),
    ppeCanObtainMore: short ? 'no' : 'yes',
    confirmedCasesResidents: String(confirmed),
    suspectedCasesResidents: String(suspected),
    confirmedCasesStaff: outbreak ? n(0, 2) : '0',
    suspectedCasesStaff: outbreak ? n(0, 2) : '0',
    covidDeathsResidents: outbreak && confirmed + suspected > 0 && faker.datatype.boolean(0.15) ? '1' : '0',
    otherDeathsResidents: faker.datatype.boolean(0.04) ? '1' : '0',
    covidDeathsStaff: '0',
    staffEmployed: String(staff),
    staffAbsentCovid: String(Math.min(absentCovid, staff)),
    staffAbsentOther: String(
      Math.min(faker.number.int({ min: 0, max: 3 }), Math.max(0, staff - absentCovid)),
    ),
    agencyStaffUsed: outbreak ? n(2, 10) : n(0, 3),
    residentsTested: outbreak ? n(5, 30) : '',
    staffTested: outbreak ? n(5, 30) : '',
    helpRequested: short
      ? 'ppe'
      : outbreak && faker.datatype.boolean(0.4)
        ? 'infection_control,staffing'
        : '',
    concerns: '',
  }
  if (location.serviceType === 'home_care' || location.serviceType === 'other') {
    const people = location.peopleSupported ?? 40
    return {
      ...base,
      peopleSupported: String(people),
      hoursDelivered: String(people * faker.number.int({ min: 6, max: 14 })),
      visitsMissed: outbreak || absentCovid > 2 ? n(2, 20) : n(0, 3),
      capacityForNewPackages: absentCovid > 2 ? 'no' : faker.datatype.boolean(0.7) ? 'yes' : 'no',
    }
  }
  const residents = location.registeredBeds
    ? Math.round(location.registeredBeds * faker.number.float({ min: 0.78, max: 0.97 }))
    : (location.peopleSupported ?? 20)
  const extra: Record<string, string> = { residents: String(residents) }
  if (location.registeredBeds) {
    Object.assign(extra, {
      bedsAvailable: String(location.registeredBeds),
      bedsOccupied: String(Math.min(residents, location.registeredBeds)),
      closedToAdmissions: outbreak ? 'yes' : 'no',
      canAcceptDischarges: outbreak ? 'no' : faker.datatype.boolean(0.8) ? 'yes' : 'no',
    })
  }
  return { ...base, ...extra }
}
