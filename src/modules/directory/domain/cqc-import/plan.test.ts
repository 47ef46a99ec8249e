import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { isCareHome } from '../../../../domain/service-types.ts'
import { restrictToArea } from './area.ts'
import { parseCqcFile } from './parse.ts'
import { comparedFields, type ExistingLocation, type ImportPlan, locationFields, planImport } from './plan.ts'

const fixture = (name: string) =>
  readFileSync(new URL(`../../../../../test/fixtures/cqc/${name}`, import.meta.url))
const withFiltersName = 'cqc_care_directory_with_filters_head_2025.csv'

const parseWithFilters = () => parseCqcFile({ fileName: withFiltersName, content: fixture(withFiltersName) })

// What a first import would have stored: one CareHub location per create.
const storedFrom = (plan: ImportPlan): ExistingLocation[] =>
  plan.create.map((c, i) => ({
    id: `loc-${i + 1}`,
    cqcLocationId: c.location.cqcLocationId,
    fields: locationFields(c.location),
  }))

describe('planImport', () => {
  it('creates every location on a first run and changes nothing on a second', async () => {
    const { rows } = await parseWithFilters()
    const first = planImport(rows, [], { closeMissing: false })
    const locations = rows.filter((r) => r.outcome === 'location')
    expect(first.create.length).toBe(locations.length)
    expect(first.update).toEqual([])
    expect(first.unchanged).toEqual([])
    expect(first.skip.length).toBe(rows.filter((r) => r.outcome === 'skip').length)
    expect(first.errors).toEqual([])

    const second = planImport(rows, storedFrom(first), { closeMissing: true })
    expect(second.create).toEqual([])
    expect(second.update).toEqual([])
    expect(second.close).toEqual([])
    expect(second.unchanged.length).toBe(locations.length)
    expect(second.unchanged[0]).toEqual({
      rowNumber: 2,
      locationId: 'loc-1',
      cqcLocationId: first.create[0]!.location.cqcLocationId,
    })
  })

  it('lists what changed on a location', async () => {
    const { rows } = await parseWithFilters()
    const stored = storedFrom(planImport(rows, [], { closeMissing: false }))
    const home = stored.find((s) => isCareHome(String(s.fields.serviceType)))!
    const beds = home.fields.registeredBeds as number
    home.fields = { ...home.fields, registeredBeds: beds + 5 }
    const plan = planImport(rows, stored, { closeMissing: false })
    expect(plan.create).toEqual([])
    expect(plan.update).toEqual([
      expect.objectContaining({
        locationId: home.id,
        changes: [{ field: 'registeredBeds', before: beds + 5, after: beds }],
      }),
    ])
    expect(plan.unchanged.length).toBe(stored.length - 1)
  })

  it('treats blank as missing and numbers stored as text as the same number', async () => {
    const { rows } = await parseWithFilters()
    const stored = storedFrom(planImport(rows, [], { closeMissing: false }))
    const home = stored.find((s) => isCareHome(String(s.fields.serviceType)))!
    home.fields = { ...home.fields, registeredBeds: String(home.fields.registeredBeds), addressLine1: '' }
    delete home.fields.odsCode
    expect(planImport(rows, stored, { closeMissing: false }).update).toEqual([])
  })

  it('closes open locations missing from the file only when asked', async () => {
    const { rows } = await parseWithFilters()
    const stored = storedFrom(planImport(rows, [], { closeMissing: false }))
    const gone = { ...stored[0]!, id: 'gone', cqcLocationId: '1-999999999' }
    const alreadyClosed = {
      ...stored[1]!,
      id: 'already-closed',
      cqcLocationId: '1-999999998',
      fields: { ...stored[1]!.fields, status: 'closed' },
    }
    const existing = [...stored, gone, alreadyClosed]
    expect(planImport(rows, existing, { closeMissing: true }).close).toEqual([
      { locationId: 'gone', councilId: null, cqcLocationId: '1-999999999' },
    ])
    expect(planImport(rows, existing, { closeMissing: false }).close).toEqual([])
    // An empty file never closes the market.
    expect(planImport([], existing, { closeMissing: true }).close).toEqual([])
  })

  it('does not close a location whose row was faulty or set aside', async () => {
    const { rows } = await parseWithFilters()
    const stored = storedFrom(planImport(rows, [], { closeMissing: false }))
    const skipped = rows.find((r) => r.outcome === 'skip')!
    const skippedId = skipped.outcome === 'skip' ? skipped.cqcLocationId! : ''
    const existing = [...stored, { id: 'doctor', cqcLocationId: skippedId, fields: { status: 'open' } }]
    expect(planImport(rows, existing, { closeMissing: true }).close).toEqual([])
  })

  it('adds closed locations as closed, and closes one that CQC deregisters later', async () => {
    const name = 'cqc_api_oldham_locations_raw.jsonl'
    const parsed = await parseCqcFile({ fileName: name, content: fixture(name) })
    const rows = restrictToArea(parsed.rows, { localAuthorityName: 'Oldham' })
    const plan = planImport(rows, [], { closeMissing: false })
    const locations = rows.filter((r) => r.outcome === 'location')
    expect(plan.create.length).toBe(locations.length)
    const closed = plan.create.filter((c) => c.location.status === 'closed')
    expect(closed.length).toBeGreaterThan(50)
    for (const c of closed) expect(c.location.registrationEnd).toMatch(/^\d{4}-\d{2}-\d{2}$/)

    // Once in CareHub, a location that closes is updated to closed.
    const stored = storedFrom(plan)
    const target = stored.find((s) => s.fields.status === 'open')!
    const closing = rows.map((r) =>
      r.outcome === 'location' && r.location.cqcLocationId === target.cqcLocationId
        ? { ...r, location: { ...r.location, status: 'closed' as const, registrationEnd: '2025-03-01' } }
        : r,
    )
    const later = planImport(closing, stored, { closeMissing: false })
    expect(later.update).toEqual([
      expect.objectContaining({
        locationId: target.id,
        changes: [
          { field: 'registrationEnd', before: null, after: '2025-03-01' },
          { field: 'status', before: 'open', after: 'closed' },
        ],
      }),
    ])
  })

  it('reports a location given twice', async () => {
    const { rows } = await parseWithFilters()
    const first = rows.find((r) => r.outcome === 'location')!
    const plan = planImport([first, { ...first, rowNumber: 50 }], [], { closeMissing: false })
    expect(plan.create.length).toBe(1)
    expect(plan.errors).toEqual([
      expect.objectContaining({ rowNumber: 50, reason: expect.stringContaining('first on row 2') }),
    ])
  })

  it('changes and closes only locations in the importing council’s market', async () => {
    const { rows } = await parseWithFilters()
    const stored = storedFrom(planImport(rows, [], { closeMissing: false }))
    const changed = (e: ExistingLocation) => ({ ...e, fields: { ...e.fields, name: 'Renamed before' } })
    const theirs = { ...changed(stored[0]!), market: 'another-council' as const, councilId: 'northmoor' }
    const nobodys = { ...changed(stored[1]!), market: 'outside-area' as const, councilId: null }
    const ours = { ...changed(stored[2]!), market: 'importer' as const, councilId: 'southvale' }
    const theirsMissing = {
      ...stored[3]!,
      id: 'n-gone',
      cqcLocationId: '1-999999997',
      market: 'another-council' as const,
    }
    const oursMissing = { ...stored[4]!, id: 's-gone', cqcLocationId: '1-999999996', councilId: 'southvale' }
    const plan = planImport(rows, [theirs, nobodys, ours, theirsMissing, oursMissing, ...stored.slice(5)], {
      closeMissing: true,
      locationIdColumn: 'Location ID',
    })
    expect(plan.errors).toEqual([
      {
        rowNumber: 2,
        column: 'Location ID',
        reason: `Location ID ${theirs.cqcLocationId} belongs to another council's market, so this import cannot change it`,
        value: theirs.cqcLocationId,
        cqcLocationId: theirs.cqcLocationId,
      },
      expect.objectContaining({
        rowNumber: 3,
        reason: `Location ID ${nobodys.cqcLocationId} is recorded outside this council's area, so this import cannot change it`,
      }),
    ])
    // Nothing of a refused row is planned: no change, no new location, no "unchanged" either.
    const planned = [...plan.create, ...plan.update, ...plan.unchanged].map((p) => p.rowNumber)
    expect(planned).not.toContain(2)
    expect(planned).not.toContain(3)
    expect(plan.update).toEqual([expect.objectContaining({ locationId: ours.id, councilId: 'southvale' })])
    expect(plan.close).toEqual([
      { locationId: 's-gone', councilId: 'southvale', cqcLocationId: '1-999999996' },
    ])
  })

  it('compares the location-level fields', () => {
    expect(comparedFields).toEqual([
      'name',
      'odsCode',
      'addressLine1',
      'addressLine2',
      'town',
      'postcode',
      'localAuthorityName',
      'serviceType',
      'registeredBeds',
      'cqcRating',
      'cqcRatingDate',
      'registrationStart',
      'registrationEnd',
      'dormant',
      'status',
    ])
  })
})
