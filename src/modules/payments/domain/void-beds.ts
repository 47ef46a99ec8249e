import { addDays, dayInWords, overlap } from './dates.ts'
import type { CommissionedPackage } from './schemes.ts'

// Void beds from the returns' occupancy. Each week (Monday to Sunday) a care home's latest return says
// how many of its usable beds are occupied; the vacant ones are the council's commissioned beds left
// empty first, given to its block packages there in the order of their references, each at most its
// own beds. A week without a return pays nothing: nothing is known of it. Pure.

export type WeekOccupancy = {
  locationId: string
  weekStarting: string
  returnPeriod: string
  bedsAvailable: number
  bedsOccupied: number
}

export type VoidBedWeek = { packageId: string; beds: number; from: string; to: string; source?: string }

export function voidBedsFromReturns(
  packages: CommissionedPackage[],
  occupancy: WeekOccupancy[],
): VoidBedWeek[] {
  const blocksAt = new Map<string, CommissionedPackage[]>()
  for (const p of packages) {
    if (p.locationId === null || p.beds === null || p.weeklyRatePence === null) continue
    const list = blocksAt.get(p.locationId)
    if (list) list.push(p)
    else blocksAt.set(p.locationId, [p])
  }
  for (const list of blocksAt.values()) list.sort((a, b) => (a.reference < b.reference ? -1 : 1))
  const voids: VoidBedWeek[] = []
  for (const week of occupancy) {
    const blocks = blocksAt.get(week.locationId)
    if (!blocks) continue
    const weekEnd = addDays(week.weekStarting, 6)
    let vacant = Math.max(0, week.bedsAvailable - week.bedsOccupied)
    const source = `return of ${dayInWords(week.returnPeriod)}: ${week.bedsOccupied} of ${week.bedsAvailable} usable beds occupied, ${vacant} vacant`
    for (const p of blocks) {
      if (vacant <= 0) break
      if (!overlap({ from: week.weekStarting, to: weekEnd }, { from: p.startsOn, to: p.endsOn })) continue
      const beds = Math.min(vacant, p.beds!)
      vacant -= beds
      voids.push({ packageId: p.id, beds, from: week.weekStarting, to: weekEnd, source })
    }
  }
  return voids
}
