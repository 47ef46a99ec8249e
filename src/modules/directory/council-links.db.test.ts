import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/support/test-app.ts'
import { engines } from '../../../test/support/test-database.ts'
import { createPreview, saveImport } from './index.ts'

// Issue 17, item 4: a council added after its locations were imported never saw them, even when the
// file was imported again. Both ways now link them.
const oldham = fs.readFileSync(path.resolve('test/fixtures/cqc/cqc_api_oldham_locations_raw.jsonl'))
const system = { userId: null, organisationId: null }

describe.each(engines)('locations linked to a council that arrives after them on %s', (engine) => {
  let t: TestApp
  beforeAll(async () => {
    t = await buildTestApp(engine)
  })
  afterAll(async () => {
    await t?.close()
  })

  const importOldham = async () => {
    const preview = await createPreview(t.database.db, t.clock, system, {
      fileName: 'oldham.jsonl',
      content: oldham,
      areaName: null,
      closeMissing: false,
    })
    await saveImport(t.database.db, t.clock, preview.id, system)
  }
  const linked = async (councilId: string | null) =>
    (
      await t.database.db
        .selectFrom('locations')
        .select('id')
        .$if(councilId === null, (q) => q.where('councilId', 'is', null))
        .$if(councilId !== null, (q) => q.where('councilId', '=', councilId!))
        .where('localAuthorityName', '=', 'Oldham')
        .execute()
    ).length

  it('links them when the council is added', async () => {
    await importOldham()
    const unlinked = await linked(null)
    expect(unlinked).toBeGreaterThan(50)
    const created = await t.services.users.createUserByCommand({
      email: 'admin@oldham.test',
      name: 'Oldham Admin',
      role: 'admin',
      organisation: 'Oldham Metropolitan Borough Council',
      organisationKind: 'council',
      onsCode: 'E08000004',
    })
    expect(created.ok).toBe(true)
    const council = await t.database.db
      .selectFrom('organisations')
      .select('id')
      .where('name', '=', 'Oldham Metropolitan Borough Council')
      .executeTakeFirstOrThrow()
    expect(await linked(council.id)).toBe(unlinked)
    expect(await linked(null)).toBe(0)
    const audits = await t.database.db
      .selectFrom('auditEvents')
      .select('id')
      .where('action', '=', 'location-linked-to-council')
      .where('councilId', '=', council.id)
      .execute()
    expect(audits.length).toBe(unlinked)
  })

  it('links them at the next import when the council was added another way', async () => {
    // As a council added before this fix (or straight into the database) left them.
    await t.database.db.updateTable('locations').set({ councilId: null }).execute()
    const council = await t.database.db
      .selectFrom('organisations')
      .select('id')
      .where('kind', '=', 'council')
      .executeTakeFirstOrThrow()
    const unlinked = await linked(null)
    await importOldham()
    expect(await linked(council.id)).toBe(unlinked)
  })
})
