import { text } from 'node:stream/consumers'
import { parse } from 'csv-parse/sync'
import ExcelJS from 'exceljs'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { actorFor } from '../../../test/support/actors.ts'
import {
  createLocation,
  createOrganisation,
  createProvider,
  createUser,
} from '../../../test/support/factories.ts'
import { fullReturn } from '../../../test/support/returns.fixture.ts'
import { buildTestApp, type TestApp, TestClient } from '../../../test/support/test-app.ts'
import { engines } from '../../../test/support/test-database.ts'
import * as exportNilColumns from '../../db/migrations/0051-return-export-nil-columns.ts'
import { csvText } from '../../domain/csv.ts'
import type { Actor } from '../../domain/policy.ts'
import { exportCellsLayout, exportCellsOf, type VersionForExport, versionColumns } from '../returns/index.ts'
import { returnColumns } from './export-columns.ts'
import { createDashboardExportService } from './exports.service.ts'
import { fillExportCells } from './returns-csv-cells.ts'
import { tableCsv } from './table-export.ts'

// A nil return in the returns exports (CSV from COPY, XLSX): "Nil return" says Yes and "Nil return
// reason" gives the reason's words and the provider's details, so it is not read as a missing return;
// an ordinary return leaves both empty. Rows saved before these columns (the layout before, moved by
// migration 0051; a nil return's cells worked out afresh until the export-cells job writes them) read
// the same.

const day = '2020-04-14'
const typed = '=HYPERLINK("http://evil.example","x"), "soon"\nback in May'

type Row = VersionForExport & { id: string; export_cells: string | null; export_layout: string | null }

describe.each(engines)('nil returns in the returns exports on %s', (engine) => {
  let t: TestApp
  let officer: Actor
  let officerEmail: string
  const ids: Record<string, string> = {}

  const rowOf = async (returnId: string) =>
    (
      await sql<Row>`select id, period_start::text as period_start, version, submitted_at, timing, source,
        nothing_changed, nil_return, nil_reason, nil_details, values, export_cells, export_layout
        from situation_returns where id = ${returnId}`.execute(t.database.db.withoutPlugins())
    ).rows[0]!

  beforeAll(async () => {
    t = await buildTestApp(engine)
    t.clock.set(new Date(`${day}T08:00:00Z`))
    const db = t.database.db
    const council = await createOrganisation(db, 'council', 'Nil Export Council', { onsCode: 'E10000092' })
    const provider = await createProvider(db, 'Nil Export Care Ltd')
    const providerOrg = await createOrganisation(db, 'provider', 'Nil Export Care Ltd', {
      providerId: provider,
    })
    const manager = await actorFor(db, (await createUser(db, providerOrg, 'provider_manager')).id)
    const user = await createUser(db, council, 'council_officer')
    officer = await actorFor(db, user.id)
    officerEmail = user.email
    for (const name of ['Open House', 'Shut House', 'Empty House', 'Old Open House', 'Old Shut House']) {
      const locationId = await createLocation(db, provider, council, { name })
      const nil =
        name === 'Shut House'
          ? { nilReason: 'other', nilDetails: typed }
          : name === 'Empty House'
            ? { nilReason: 'no-people-supported', nilDetails: '' }
            : name === 'Old Shut House'
              ? { nilReason: 'temporarily-closed', nilDetails: 'Refurbishment' }
              : null
      const saved = nil
        ? await t.services.nilReturns.submitNil(manager, locationId, { ...nil, amendmentReason: '' })
        : await t.services.returns.submit(manager, locationId, fullReturn)
      if (!saved.ok) throw new Error(`not saved: ${JSON.stringify(saved)}`)
      ids[name] = saved.returnId
    }
    // Two returns as they were saved before the nil return's columns: cells of the layout before.
    for (const name of ['Old Open House', 'Old Shut House']) {
      const row = await rowOf(ids[name]!)
      const before = versionColumns.filter(([header]) => !header.startsWith('Nil return'))
      const cells = csvText([before.map(([, get]) => get(row))]).replace(/\n$/, '')
      await sql`update situation_returns set export_cells = ${cells}, export_layout = ${exportNilColumns.layoutBefore}
        where id = ${row.id}`.execute(db)
    }
  }, 120_000)

  afterAll(async () => {
    await t?.close()
  })

  // The export as the keyset batches and the product's CSV writer write it (the XLSX's rows).
  const byBatches = async () =>
    text(
      tableCsv(
        returnColumns,
        createDashboardExportService({ db: t.database.db }).returns(officer, { from: day, to: day }),
      ),
    )

  async function download(format: 'csv' | 'xlsx') {
    const client = new TestClient(t.app)
    await client.signIn(officerEmail)
    const response = await client.get(`/dashboard/exports/returns.${format}?from=${day}&to=${day}`)
    expect(response.statusCode).toBe(200)
    return response
  }

  async function xlsxRows() {
    const workbook = new ExcelJS.Workbook()
    await workbook.xlsx.load((await download('xlsx')).rawPayload as unknown as ArrayBuffer)
    const sheet = workbook.worksheets[0]!
    const header = (sheet.getRow(1).values as unknown[]).slice(1).map(String)
    const rows: Record<string, unknown>[] = []
    sheet.eachRow((row, n) => {
      if (n === 1) return
      row.eachCell((cell) => expect(cell.type, cell.address).not.toBe(ExcelJS.ValueType.Formula))
      const values = (row.values as unknown[]).slice(1)
      rows.push(Object.fromEntries(header.map((h, i) => [h, String(values[i] ?? '')])))
    })
    return rows
  }

  const nilCells = (rows: Record<string, unknown>[]) =>
    Object.fromEntries(
      rows.map((r) => [r['Location name'], [r['Nil return'], r['Nil return reason'], r['Residents today']]]),
    )

  const expected = {
    'Open House': ['', '', '38'],
    'Shut House': ['Yes', `Another reason: ${typed}`, ''],
    'Empty House': ['Yes', 'No residents or people supported this period', ''],
    'Old Open House': ['', '', '38'],
    'Old Shut House': ['Yes', 'Temporarily closed: Refurbishment', ''],
  }

  it('moves the rows of the layout before to today’s: two empty cells, or a nil return’s afresh', async () => {
    // Today's layout is the one migration 0051 moved rows to (a new layout needs its own move).
    expect(exportNilColumns.layoutAfter).toBe(exportCellsLayout)
    await exportNilColumns.up(t.database.db)
    const open = await rowOf(ids['Old Open House']!)
    expect(open.export_layout).toBe(exportCellsLayout)
    expect(open.export_cells).toBe(exportCellsOf(open))
    const shut = await rowOf(ids['Shut House']!)
    expect(shut.export_layout).toBe(exportCellsLayout)
    expect(shut.export_cells).toBe(exportCellsOf(shut))
    expect(await rowOf(ids['Old Shut House']!)).toMatchObject({ export_cells: null, export_layout: null })
    // The risk figures' trigger, off while the rows moved, is on again.
    const { rows } = await sql<{ enabled: string }>`select tgenabled as enabled from pg_trigger
      where tgname = 'situation_returns_risk_figures'`.execute(t.database.db)
    expect(rows).toEqual([{ enabled: 'O' }])
  })

  it('says Yes and why for a nil return, in the CSV and the XLSX, and nothing for another', async () => {
    const csv = await download('csv')
    expect(csv.body).toBe(await byBatches())
    const records = parse(csv.body, { columns: true }) as Record<string, string>[]
    const headers = Object.keys(records[0]!)
    expect(headers.slice(headers.indexOf('Nothing changed'), headers.indexOf('Nothing changed') + 3)).toEqual(
      ['Nothing changed', 'Nil return', 'Nil return reason'],
    )
    expect(nilCells(records)).toEqual(expected)
    // The details a provider typed are never a formula: the cell starts with the reason's words.
    for (const cell of records.flatMap((r) => Object.values(r)))
      expect(cell).not.toMatch(/^[=+@\t\r＝＋－＠]|^-(?!\d+(\.\d+)?$)/)
    expect(nilCells(await xlsxRows())).toEqual(expected)
  })

  it('writes a nil return’s cells with the export-cells job, the same as worked out afresh', async () => {
    const before = (await download('csv')).body
    expect(await fillExportCells(t.database.db)).toEqual({ filled: 1 })
    const shut = await rowOf(ids['Old Shut House']!)
    expect(shut.export_layout).toBe(exportCellsLayout)
    expect(shut.export_cells).toBe(exportCellsOf(shut))
    expect((await download('csv')).body).toBe(before)
  })
})
