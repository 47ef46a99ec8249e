import { text } from 'node:stream/consumers'
import { parse } from 'csv-parse/sync'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { actorFor } from '../../../test/support/actors.ts'
import {
  createLocation,
  createOrganisation,
  createProvider,
  createUser,
} from '../../../test/support/factories.ts'
import { buildTestApp, type TestApp, TestClient } from '../../../test/support/test-app.ts'
import { engines } from '../../../test/support/test-database.ts'
import type { Actor } from '../../domain/policy.ts'
import {
  currentDataset,
  exportCellsLayout,
  exportCellsOf,
  templateColumns,
  type VersionForExport,
} from '../returns/index.ts'
import { returnColumns } from './export-columns.ts'
import { createDashboardExportService } from './exports.service.ts'
import { fillExportCells } from './returns-csv-cells.ts'
import { tableCsv } from './table-export.ts'

// The returns CSV written by the database (COPY) against the export it replaces (keyset batches through
// returnColumns and csv-stringify): the same bytes for a small county whose text holds formulas, commas,
// quotes and line breaks; nothing of another council's; the download audited.

const from = '2020-04-01'
const to = '2020-04-12'

// Figures as users leave them: whole numbers, yes/no, choices as stored and as a list, text that a
// spreadsheet would run, text that needs quoting, missing and empty ones.
const concerns = [
  `=HYPERLINK("http://evil.example","click")`,
  'Short of staff, "agency" late\nand masks low',
  '-5',
  '-1.5',
  '-no masks',
  '+44 1234',
  '@SUM(A1)',
  '\tindented',
  '＝1+1',
  '',
  'Fine',
  null,
]

function valuesFor(i: number): Record<string, unknown> {
  const values: Record<string, unknown> = {
    ppeDaysGloves: i % 9,
    ppeDaysAprons: i % 4 === 0 ? null : 3 + (i % 5),
    ppeDaysFfp3Masks: 2 + (i % 3),
    ppeCanObtainMore: i % 2 === 0,
    // A whole number below zero (none is saved today) is still a number, not a formula; text written
    // into a number's place by something that skipped the checks is still made safe.
    confirmedCasesResidents: i % 13 === 0 ? -3 : i % 17 === 5 ? '=1+2' : i % 3,
    staffEmployed: i % 11 === 0 ? 0 : 3 + (i % 7),
    staffAbsentCovid: i % 4,
    staffAbsentOther: i % 5 === 0 ? null : 1,
    bedsAvailable: 30,
    bedsOccupied: 28 + (i % 4),
    closedToAdmissions: i % 6 === 0,
    helpRequested: i % 3 === 0 ? ['ppe', 'staffing'] : i % 3 === 1 ? 'ppe,staffing' : [],
    concerns: concerns[i % concerns.length],
  }
  if (i % 7 === 0) delete values.concerns
  return values
}

type VersionRow = VersionForExport & { id: string; export_cells: string | null; export_layout: string | null }

describe.each(engines)('returns CSV from COPY on %s', (engine) => {
  let t: TestApp
  const actors: Record<string, Actor> = {}
  const emails: Record<string, string> = {}
  const names: Record<string, string> = {}

  beforeAll(async () => {
    t = await buildTestApp(engine)
    const db = t.database.db
    const councilA = await createOrganisation(db, 'council', 'Northmoor County Council')
    const councilB = await createOrganisation(db, 'council', 'Southdale Council')
    const region = await createOrganisation(db, 'region', 'Regional body')
    const provider = await createProvider(db, '=Evil Provider, "Ltd"')
    const providerOrg = await createOrganisation(db, 'provider', 'Provider org', { providerId: provider })
    names.ownA = '+Plus House, "The Lodge"'
    names.contractedByA = 'Contracted Court'
    names.onlyB = 'Southdale Only Home'
    const ownA = await createLocation(db, provider, councilA, { name: names.ownA })
    const homeCareA = await createLocation(db, provider, councilA, { serviceType: 'home_care' })
    const contractedByA = await createLocation(db, provider, councilB, {
      name: names.contractedByA,
      serviceType: 'care_home_nursing',
      contractedBy: [councilA],
    })
    const onlyB = await createLocation(db, provider, councilB, { name: names.onlyB })
    await db
      .updateTable('locations')
      .set({ area: null, cqcLocationId: null })
      .where('id', '=', homeCareA)
      .execute()
    await db.updateTable('locations').set({ area: '@Coast' }).where('id', '=', contractedByA).execute()
    const rows = []
    let i = 0
    for (const locationId of [ownA, homeCareA, contractedByA, onlyB]) {
      for (let d = -3; d <= 14; d++) {
        i++
        const periodStart = new Date(Date.UTC(2020, 3, 1 + d)).toISOString().slice(0, 10)
        rows.push({
          locationId,
          frequency: 'daily',
          periodStart,
          version: 1 + (i % 2),
          isCurrent: i % 10 !== 0,
          datasetVersion: 1,
          values: JSON.stringify(valuesFor(i)),
          nilReturn: false,
          nothingChanged: i % 5 === 0,
          source: (['web', 'officer', 'upload', 'api'] as const)[i % 4]!,
          timing: i % 3 === 0 ? 'late' : 'on-time',
          submittedBy: null,
          submittedAt: new Date(Date.UTC(2020, 3, 1 + d, 9, i % 60, 7, i * 37)),
          amendmentReason: null,
        })
      }
    }
    await db.insertInto('situationReturns').values(rows).execute()
    // Microseconds, which JavaScript's dates drop: the export shows milliseconds, cut not rounded.
    await sql`update situation_returns set submitted_at = submitted_at + interval '999 microseconds'
      where location_id = ${ownA}`.execute(db)
    for (const [key, org, role] of [
      ['officerA', councilA, 'council_officer'],
      ['officerB', councilB, 'council_officer'],
      ['regional', region, 'regional_viewer'],
      ['manager', providerOrg, 'provider_manager'],
    ] as const) {
      const user = await createUser(db, org, role)
      emails[key] = user.email
      actors[key] = await actorFor(db, user.id)
    }
  }, 120_000)

  afterAll(async () => {
    await t?.close()
  })

  const service = () => createDashboardExportService({ db: t.database.db })

  async function oldExport(actor: Actor, filter: { from: string; to: string; serviceType?: string }) {
    return text(tableCsv(returnColumns, service().returns(actor, filter)))
  }

  async function newExport(actor: Actor, filter: { from: string; to: string; serviceType?: string }) {
    const csv = await service().returnsCsv(actor, filter)
    if (!csv) throw new Error('refused')
    return text(csv)
  }

  it('writes the same bytes as the export it replaces, with formula cells made safe', async () => {
    for (const key of ['officerA', 'officerB', 'regional']) {
      const before = await oldExport(actors[key]!, { from, to })
      const after = await newExport(actors[key]!, { from, to })
      expect(after).toBe(before)
    }
    const csv = await newExport(actors.officerA!, { from, to })
    const records = parse(csv, { columns: true }) as Record<string, string>[]
    const { rows } = await sql<{ n: string }>`
      select count(*) as n from situation_returns r join locations l on l.id = r.location_id
      where r.is_current and r.period_start between ${from} and ${to} and l.name <> ${names.onlyB}`.execute(
      t.database.db,
    )
    expect(records).toHaveLength(Number(rows[0]!.n))
    expect(Object.keys(records[0]!)).toEqual(returnColumns.map(([header]) => header))
    const cells = new Set(records.flatMap((r) => Object.values(r)))
    expect(cells).toContain(`'=HYPERLINK("http://evil.example","click")`)
    expect(cells).toContain('Short of staff, "agency" late\nand masks low')
    expect(cells).toContain('\'+Plus House, "The Lodge"')
    expect(cells).toContain('\'=Evil Provider, "Ltd"')
    expect(cells).toContain("'@Coast")
    expect(cells).toContain("'-no masks")
    expect(cells).toContain('-5')
    expect(cells).toContain("'＝1+1")
    expect(cells).toContain('ppe; staffing')
    expect(cells).not.toContain('=HYPERLINK("http://evil.example","click")')
    // No cell a spreadsheet would run, whichever column it is in.
    for (const cell of cells) expect(cell).not.toMatch(/^[=+@\t\r＝＋－＠]|^-(?!\d+(\.\d+)?$)/)
  })

  it('writes the cells the app saved, the job filled or none, and of another layout, the same', async () => {
    const db = t.database.db
    // The fixture's rows went in without cells (as before migration 0047): the job fills them in SQL.
    expect(await fillExportCells(db, { batchSize: 7, batches: 20 })).toEqual({ filled: 72 })
    expect(await fillExportCells(db)).toEqual({ filled: 0 })
    // The cells the app writes with each version it saves are the same text.
    const { rows } = await sql<VersionRow>`
      select id, period_start::text as period_start, version, submitted_at, timing, source, nothing_changed,
        nil_return, nil_reason, nil_details, values, export_cells, export_layout from situation_returns`.execute(
      db.withoutPlugins(),
    )
    expect(rows).toHaveLength(72)
    for (const row of rows) {
      expect(row.export_layout).toBe(exportCellsLayout)
      expect(exportCellsOf(row)).toBe(row.export_cells)
    }
    for (const key of ['officerA', 'regional'])
      expect(await newExport(actors[key]!, { from, to })).toBe(await oldExport(actors[key]!, { from, to }))
    // Cells of another layout (a dataset since changed) are not trusted.
    await sql`update situation_returns set export_cells = 'not these', export_layout = 'older'
      where version = 2`.execute(db)
    expect(await newExport(actors.regional!, { from, to })).toBe(
      await oldExport(actors.regional!, { from, to }),
    )
  })

  it('makes text and choice answers safe, and writes whole numbers and yes/no as they are', async () => {
    const records = parse(await newExport(actors.regional!, { from, to }), { columns: true }) as Record<
      string,
      string
    >[]
    const column = (key: string) => {
      const label = templateColumns(currentDataset).find((c) => c.key === key)!.label
      return new Set(records.map((r) => r[label]))
    }
    expect(column('confirmedCasesResidents')).toContain('-3')
    expect(column('confirmedCasesResidents')).not.toContain("'-3")
    expect(column('confirmedCasesResidents')).toContain("'=1+2")
    expect(column('confirmedCasesResidents')).not.toContain('=1+2')
    expect(column('concerns')).toContain(`'=HYPERLINK("http://evil.example","click")`)
    expect(column('concerns')).toContain("'-no masks")
    expect(column('concerns')).toContain('-5')
    expect(column('closedToAdmissions')).toEqual(new Set(['Yes', 'No']))
    expect(column('helpRequested')).toContain('ppe; staffing')
  })

  it('matches on a filtered, a one-day and an empty range', async () => {
    for (const filter of [
      { from, to, serviceType: 'home_care' },
      { from: '2020-04-05', to: '2020-04-05' },
      { from: '2021-01-01', to: '2021-01-31' },
    ]) {
      expect(await newExport(actors.regional!, filter)).toBe(await oldExport(actors.regional!, filter))
    }
    const empty = await newExport(actors.regional!, { from: '2021-01-01', to: '2021-01-31' })
    expect(parse(empty)).toEqual([returnColumns.map(([header]) => header)])
  })

  it("leaves out another council's returns, and refuses a provider manager", async () => {
    const a = await newExport(actors.officerA!, { from, to })
    expect(a).toContain('Contracted Court')
    expect(a).not.toContain(names.onlyB)
    const b = await newExport(actors.officerB!, { from, to })
    expect(b).toContain(names.onlyB)
    expect(b).not.toContain('Plus House')
    expect(await service().returnsCsv(actors.manager!, { from, to })).toBeNull()
  })

  it('serves the download and records who took it, with its filters', async () => {
    const client = new TestClient(t.app)
    await client.signIn(emails.officerA!)
    const response = await client.get(
      `/dashboard/exports/returns.csv?from=${from}&to=${to}&serviceType=home_care`,
    )
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toContain('text/csv')
    expect(response.headers['content-disposition']).toContain(`returns-${from}-to-${to}.csv`)
    expect(response.body).toBe(await oldExport(actors.officerA!, { from, to, serviceType: 'home_care' }))
    const audit = await t.database.db
      .selectFrom('auditEvents')
      .selectAll()
      .where('action', '=', 'returns-exported')
      .where('actorUserId', '=', actors.officerA!.userId)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow()
    expect(audit.organisationId).toBe(actors.officerA!.organisationId)
    expect(audit.councilId).toBe(actors.officerA!.organisationId)
    expect(audit.after).toMatchObject({ format: 'csv', from, to, serviceType: 'home_care' })
    const manager = new TestClient(t.app)
    await manager.signIn(emails.manager!)
    expect((await manager.get(`/dashboard/exports/returns.csv?from=${from}&to=${to}`)).statusCode).toBe(403)
  })
})
