// Who reported for a period, who was late and who is missing, counted only over the locations that
// were open in that period, so a reporting rate can never pass 100 %.
export type Expected = { locationId: string; area: string | null; serviceType: string }
export type Submission = { locationId: string; timing: string }

export type Tally = {
  expected: number
  onTime: number
  late: number
  missing: number
  percentReported: number | null
}

export type Completeness = {
  overall: Tally
  byArea: (Tally & { area: string })[]
  byServiceType: (Tally & { serviceType: string })[]
  missing: string[]
}

function tally(expected: Expected[], submitted: Map<string, string>): Tally {
  let onTime = 0
  let late = 0
  for (const e of expected) {
    const timing = submitted.get(e.locationId)
    if (timing === 'on-time') onTime++
    else if (timing) late++
  }
  const missing = expected.length - onTime - late
  return {
    expected: expected.length,
    onTime,
    late,
    missing,
    percentReported: expected.length ? Math.round((1000 * (onTime + late)) / expected.length) / 10 : null,
  }
}

export function completeness(expected: Expected[], submissions: Submission[]): Completeness {
  const expectedIds = new Set(expected.map((e) => e.locationId))
  // A return from a location not expected (closed, not yet open) is not counted: the rate stays honest.
  const submitted = new Map(
    submissions.filter((s) => expectedIds.has(s.locationId)).map((s) => [s.locationId, s.timing]),
  )
  const group = <K extends 'area' | 'serviceType'>(key: K) => {
    const groups = new Map<string, Expected[]>()
    for (const e of expected) {
      const name = e[key] ?? 'Not set'
      groups.set(name, [...(groups.get(name) ?? []), e])
    }
    return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b))
  }
  return {
    overall: tally(expected, submitted),
    byArea: group('area').map(([area, list]) => ({ area, ...tally(list, submitted) })),
    byServiceType: group('serviceType').map(([serviceType, list]) => ({
      serviceType,
      ...tally(list, submitted),
    })),
    missing: expected.filter((e) => !submitted.has(e.locationId)).map((e) => e.locationId),
  }
}
