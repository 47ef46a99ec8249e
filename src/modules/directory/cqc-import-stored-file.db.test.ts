import fs from 'node:fs'
import path from 'node:path'
import { gunzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, engines, type TestDatabase } from '../../../test/support/test-database.ts'
import { fixedClock } from '../../domain/clock.ts'
import { createPreview, fileHash, maxKeptPreviews, saveImport } from './cqc-import-preview.ts'

const fixtures = path.resolve('test/fixtures/cqc')
const withFilters = fs.readFileSync(path.join(fixtures, 'cqc_care_directory_with_filters_head_2025.csv'))
const system = { userId: null, organisationId: null }
const clock = fixedClock(new Date('2020-04-14T08:00:00Z'))

// A save in another process (or after a restart) has no parsed rows to hand: it reads the file back.
describe.each(engines)('CQC import saved from the stored file on %s', (engine) => {
  let database: TestDatabase

  beforeAll(async () => {
    database = await createTestDatabase(engine)
  })
  afterAll(async () => {
    await database?.drop()
  })

  // Later previews push an earlier one's parsed rows out of this process, as a restart would.
  async function forgetParsedRows() {
    for (let i = 0; i < maxKeptPreviews; i++) {
      await createPreview(database.db, clock, system, {
        fileName: 'empty.csv',
        content: Buffer.from('Name,Colour\n'),
        areaName: null,
        closeMissing: false,
      })
    }
  }

  const stored = (id: string) =>
    database.db
      .selectFrom('cqcImports')
      .select(['fileContent', 'fileHash', 'status'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
  const countOf = async (table: 'locations' | 'auditEvents' | 'locationStatusEvents') =>
    Number(
      (
        await database.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    )

  it('keeps the file compressed, byte for byte, and saves from it what the preview showed', async () => {
    const preview = await createPreview(database.db, clock, system, {
      fileName: 'with-filters.csv',
      content: withFilters,
      areaName: null,
      closeMissing: false,
    })
    const row = await stored(preview.id)
    expect(row.fileContent.length).toBeLessThan(withFilters.length / 3)
    expect(gunzipSync(row.fileContent).equals(withFilters)).toBe(true)
    expect(row.fileHash).toBe(fileHash(withFilters))

    await forgetParsedRows()
    await saveImport(database.db, clock, preview.id, system)
    expect((await stored(preview.id)).status).toBe('saved')
    expect(await countOf('locations')).toBe(preview.counts.create)
    expect(preview.counts.create).toBeGreaterThan(900)
    expect(
      Number(
        (
          await database.db
            .selectFrom('auditEvents')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .where('action', '=', 'location-created-by-import')
            .executeTakeFirstOrThrow()
        ).n,
      ),
    ).toBe(preview.counts.create)
  })

  it('reads a file stored uncompressed, as files were before', async () => {
    const oldham = fs.readFileSync(path.join(fixtures, 'cqc_api_oldham_locations_raw.jsonl'))
    const preview = await createPreview(database.db, clock, system, {
      fileName: 'oldham.jsonl',
      content: oldham,
      areaName: 'Oldham',
      closeMissing: false,
    })
    expect(preview.counts.create).toBeGreaterThan(10)
    await database.db
      .updateTable('cqcImports')
      .set({ fileContent: oldham })
      .where('id', '=', preview.id)
      .execute()
    const before = await countOf('locations')
    await forgetParsedRows()
    await saveImport(database.db, clock, preview.id, system)
    expect((await stored(preview.id)).status).toBe('saved')
    expect(await countOf('locations')).toBe(before + preview.counts.create)
  })
})
