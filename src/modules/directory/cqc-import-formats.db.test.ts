import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/support/test-app.ts'
import { engines } from '../../../test/support/test-database.ts'
import { factsCarried, formatFacts } from './domain/cqc-import/plan.ts'
import { createPreview, saveImport } from './index.ts'

// Issue 17, item 2: one CQC format must not wipe what another set. The two real directory files share
// 19 locations; imported in either order, every fact either file carries stays (a fact both carry
// takes the later file's value).
const fixtures = path.resolve('test/fixtures/cqc')
const files = {
  withFilters: fs.readFileSync(path.join(fixtures, 'cqc_care_directory_with_filters_head_2025.csv')),
  directory: fs.readFileSync(path.join(fixtures, 'cqc_directory_head_2025.csv')),
}
const system = { userId: null, organisationId: null }
const columns = [
  'cqcLocationId',
  'name',
  'addressLine1',
  'addressLine2',
  'town',
  'postcode',
  'localAuthorityName',
  'serviceType',
  'registeredBeds',
  'cqcRating',
  'registrationStart',
  'registrationEnd',
  'dormant',
  'status',
] as const

describe.each(engines)('CQC formats that merge on %s', (engine) => {
  const apps: TestApp[] = []
  afterAll(async () => {
    for (const t of apps) await t.close()
  })

  // A fresh database, with the files imported in the given order; its locations by CQC ID.
  async function importInOrder(order: (keyof typeof files)[]) {
    const t = await buildTestApp(engine)
    apps.push(t)
    const after: Record<string, Record<string, Record<string, unknown>>> = {}
    for (const name of order) {
      const preview = await createPreview(t.database.db, t.clock, system, {
        fileName: `${name}.csv`,
        content: files[name],
        areaName: null,
        closeMissing: false,
      })
      await saveImport(t.database.db, t.clock, preview.id, system)
      const rows = await t.database.db.selectFrom('locations').select(columns).execute()
      after[name] = Object.fromEntries(rows.map((r) => [r.cqcLocationId!, r]))
    }
    return after
  }

  let forwards: Awaited<ReturnType<typeof importInOrder>>
  let backwards: Awaited<ReturnType<typeof importInOrder>>
  beforeAll(async () => {
    forwards = await importInOrder(['withFilters', 'directory'])
    backwards = await importInOrder(['directory', 'withFilters'])
  }, 240_000)

  it('keeps every fact either file carries, in either order', () => {
    const filtersOnly = [
      'registeredBeds',
      'cqcRating',
      'registrationStart',
      'registrationEnd',
      'dormant',
    ] as const
    const directoryOnly = ['addressLine1', 'addressLine2', 'town', 'postcode'] as const
    const shared = Object.keys(forwards.withFilters!).filter((id) => id in backwards.directory!)
    expect(shared.length).toBeGreaterThanOrEqual(15)
    let bedsKept = 0
    for (const id of shared) {
      const filtersSaid = forwards.withFilters![id]!
      const directorySaid = backwards.directory![id]!
      for (const merged of [forwards.directory![id]!, backwards.withFilters![id]!]) {
        for (const field of filtersOnly) expect(merged[field], `${id} ${field}`).toEqual(filtersSaid[field])
        for (const field of directoryOnly)
          expect(merged[field], `${id} ${field}`).toEqual(directorySaid[field])
      }
      if (filtersSaid.registeredBeds !== null) bedsKept++
    }
    // The care homes among them kept their beds (the old importer blanked them).
    expect(bedsKept).toBeGreaterThan(0)
  })

  it('says which facts each format sets and which it leaves', () => {
    expect(formatFacts('care-directory').leaves).toEqual(
      expect.arrayContaining(['registered beds', 'CQC rating', 'dormancy', 'registration date']),
    )
    expect(formatFacts('care-directory-with-filters').leaves).toEqual(
      expect.arrayContaining(['address line 1', 'postcode']),
    )
    expect(formatFacts('cqc-api-jsonl').leaves).toEqual([])
    expect(factsCarried(['locationId', 'name', 'serviceTypes', 'ratingDate'])).not.toContain('cqcRatingDate')
  })
})
