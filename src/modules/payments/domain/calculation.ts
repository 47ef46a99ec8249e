import { addDays, type DateRange, dayInWords, daysInclusive, overlap } from './dates.ts'
import { hoursText, percentText, pounds, roundHalfUp } from './money.ts'
import { type CommissionedPackage, isEligible, type Scheme } from './schemes.ts'
import { type VoidBedWeek, voidBedsFromReturns, type WeekOccupancy } from './void-beds.ts'

// What each scheme pays for each package over a run's period, in whole pence, with the sum in words.
// Rounding, stated once: each line is worked out exactly, as a fraction, and rounded once to the
// nearest penny (a half penny up). Part weeks are paid pro rata by days: a week's money × days / 7.
// Pure: the packages, their void beds and delivered hours are given.

export const roundingRule =
  'Each line is worked out exactly and rounded once, to the nearest penny (a half penny is rounded up). Part weeks are paid pro rata by days: a week’s money × days / 7.'

// Void beds uploaded (a list), or worked out from the returns (with the return they come from).
export type VoidBeds = VoidBedWeek
export type DeliveredWeek = { packageId: string; weekStarting: string; hoursHundredths: number }

export type PaymentLine = {
  schemeId: string
  providerId: string
  packageId: string | null
  locationId: string | null
  serviceType: string
  contracted: boolean
  amountPence: number
  explanation: string
}

export type RunInputs = {
  period: DateRange
  schemes: Scheme[]
  packages: CommissionedPackage[]
  voids: VoidBeds[]
  delivered: DeliveredWeek[]
  // The care homes' beds each week, from the returns: read only when a void-bed scheme uses them.
  occupancy?: WeekOccupancy[]
}

const plural = (n: number | string, one: string, many = `${one}s`) => `${n} ${String(n) === '1' ? one : many}`

// The weekly money of a package, in words and as a fraction: beds × rate, or hours × rate.
function weekly(p: CommissionedPackage): { words: string; numerator: bigint; denominator: bigint } | null {
  if (p.beds !== null && p.weeklyRatePence !== null)
    return {
      words: `${plural(p.beds, 'bed')} × ${pounds(p.weeklyRatePence)} a week`,
      numerator: BigInt(p.beds) * BigInt(p.weeklyRatePence),
      denominator: 1n,
    }
  if (p.plannedHoursHundredths !== null && p.hourlyRatePence !== null)
    return {
      words: `${plural(hoursText(p.plannedHoursHundredths), 'hour')} a week × ${pounds(p.hourlyRatePence)} an hour`,
      numerator: BigInt(p.plannedHoursHundredths) * BigInt(p.hourlyRatePence),
      denominator: 100n,
    }
  return null
}

function line(scheme: Scheme, p: CommissionedPackage, amount: bigint, explanation: string): PaymentLine {
  return {
    schemeId: scheme.id,
    providerId: p.providerId,
    packageId: p.id,
    locationId: p.locationId,
    serviceType: p.serviceType,
    contracted: p.contracted,
    amountPence: Number(amount),
    explanation: `${explanation} = ${pounds(amount)}`,
  }
}

// +x % of the base weekly money for the days the package, the scheme and the period share.
function percentOfBase(scheme: Scheme, p: CommissionedPackage, window: DateRange, label: string) {
  const base = weekly(p)
  if (!base || scheme.percentBasisPoints === null) return null
  const days = daysInclusive(window.from, window.to)
  const amount = roundHalfUp(
    base.numerator * BigInt(scheme.percentBasisPoints) * BigInt(days),
    base.denominator * 10_000n * 7n,
  )
  return line(
    scheme,
    p,
    amount,
    `${label}${base.words} × ${percentText(scheme.percentBasisPoints)} × ${plural(days, 'day')} / 7`,
  )
}

function voidBeds(scheme: Scheme, p: CommissionedPackage, window: DateRange, voids: VoidBeds[]) {
  if (p.weeklyRatePence === null) return null
  let numerator = 0n
  const parts: string[] = []
  for (const v of voids) {
    const shared = overlap(window, { from: v.from, to: v.to })
    if (!shared) continue
    const days = daysInclusive(shared.from, shared.to)
    numerator += BigInt(v.beds) * BigInt(p.weeklyRatePence) * BigInt(days)
    const source = v.source ? `week from ${dayInWords(v.from)} (${v.source}): ` : ''
    parts.push(
      `${source}${plural(v.beds, 'void bed')} × ${pounds(p.weeklyRatePence)} a week × ${plural(days, 'day')} / 7`,
    )
  }
  if (!parts.length) return null
  return line(scheme, p, roundHalfUp(numerator, 7n), parts.join(' + '))
}

// The average of the last N weeks recorded that ended before the scheme starts; each week of the window
// in which fewer hours were delivered is topped up to it (pro rata by the week's days in the window).
// A week with no delivered hours recorded is not paid: nothing is known of it.
function averagePayment(scheme: Scheme, p: CommissionedPackage, window: DateRange, weeks: DeliveredWeek[]) {
  if (p.hourlyRatePence === null || !scheme.averageWeeks) return null
  const before = weeks
    .filter((w) => addDays(w.weekStarting, 6) < scheme.startsOn)
    .sort((a, b) => (a.weekStarting < b.weekStarting ? 1 : -1))
    .slice(0, scheme.averageWeeks)
  if (!before.length) return null
  const n = BigInt(before.length)
  const sum = before.reduce((s, w) => s + BigInt(w.hoursHundredths), 0n)
  const rate = BigInt(p.hourlyRatePence)
  let numerator = 0n
  const parts: string[] = []
  for (const w of weeks) {
    const shared = overlap(window, { from: w.weekStarting, to: addDays(w.weekStarting, 6) })
    if (!shared) continue
    const shortfall = sum - n * BigInt(w.hoursHundredths)
    if (shortfall <= 0n) continue
    const days = daysInclusive(shared.from, shared.to)
    numerator += shortfall * rate * BigInt(days)
    const partWeek = days < 7 ? ` × ${plural(days, 'day')} / 7` : ''
    parts.push(
      `week from ${dayInWords(w.weekStarting)}: (average ${hoursText(roundHalfUp(sum, n))} − delivered ${hoursText(w.hoursHundredths)}) hours × ${pounds(rate)} an hour${partWeek}`,
    )
  }
  if (!parts.length) return null
  const amount = roundHalfUp(numerator, n * 100n * 7n)
  const basis = `average of the ${plural(before.length, 'week')} before ${dayInWords(scheme.startsOn)}`
  return line(scheme, p, amount, `${basis}; ${parts.join('; ')}`)
}

// Every line a run over the period pays. One-off sums go once to each provider with an eligible
// package open on the scheme's start, when that day falls in the period.
export function computeRun(inputs: RunInputs): PaymentLine[] {
  const { period, schemes, packages } = inputs
  const voidsOf = groupBy(inputs.voids, (v) => v.packageId)
  const weeksOf = groupBy(inputs.delivered, (w) => w.packageId)
  const fromReturns = schemes.some((s) => s.kind === 'void_beds' && s.voidBedsFrom === 'returns')
    ? groupBy(voidBedsFromReturns(packages, inputs.occupancy ?? []), (v) => v.packageId)
    : new Map<string, VoidBeds[]>()
  const lines: PaymentLine[] = []
  for (const scheme of schemes) {
    const schemeWindow = overlap(period, { from: scheme.startsOn, to: scheme.endsOn })
    if (!schemeWindow) continue
    const paidOneOff = new Set<string>()
    for (const p of packages) {
      if (!isEligible(p, scheme.eligibility)) continue
      const window = overlap(schemeWindow, { from: p.startsOn, to: p.endsOn })
      let found: PaymentLine | null = null
      if (scheme.kind === 'one_off') {
        const open = p.startsOn <= scheme.startsOn && (p.endsOn === null || p.endsOn >= scheme.startsOn)
        if (open && schemeWindow.from === scheme.startsOn && !paidOneOff.has(p.providerId)) {
          paidOneOff.add(p.providerId)
          const amount = BigInt(scheme.amountPence ?? 0)
          found = { ...line(scheme, p, amount, 'one-off sum'), packageId: null, locationId: null }
        }
      } else if (!window) continue
      else if (scheme.kind === 'uplift') found = percentOfBase(scheme, p, window, '')
      else if (scheme.kind === 'discharge_rate' && p.dischargePathway)
        found = percentOfBase(scheme, p, window, 'hospital discharge: ')
      else if (scheme.kind === 'void_beds')
        found = voidBeds(
          scheme,
          p,
          window,
          (scheme.voidBedsFrom === 'returns' ? fromReturns : voidsOf).get(p.id) ?? [],
        )
      else if (scheme.kind === 'average_payment')
        found = averagePayment(scheme, p, window, weeksOf.get(p.id) ?? [])
      if (found && found.amountPence !== 0) lines.push(found)
    }
  }
  return lines
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>()
  for (const item of items) {
    const k = key(item)
    const list = map.get(k)
    if (list) list.push(item)
    else map.set(k, [item])
  }
  return map
}
