import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { load } from 'cheerio'
import { sql } from 'kysely'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { careHomeJsonLine, careHomeRow, cqcCsv } from '../../../test/support/cqc-files.ts'
import { createOrganisation, createUser } from '../../../test/support/factories.ts'
import { buildTestApp, type TestApp, TestClient } from '../../../test/support/test-app.ts'
import { engines } from '../../../test/support/test-database.ts'
import { importCqcFromCommandLine } from '../../cli/import-command.ts'
import { loadActor } from '../access/index.ts'

// Text that no compression shortens: an index entry past PostgreSQL's 2,704 bytes fails the save.
function incompressible(length: number) {
  let seed = 12345
  let text = ''
  while (text.length < length) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31
    text += 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'[seed % 62]
  }
  return text
}

// Each input that ended the process once confirmed (issue 15), as a file with one good row before it.
type CrashInput = {
  what: string
  fileName: string
  content: (good: string, bad: string) => Buffer
  column: string
}
const crashInputs: CrashInput[] = [
  {
    what: 'a bed count of 99999999999',
    fileName: 'beds.csv',
    content: (good, bad) =>
      cqcCsv([careHomeRow(good), careHomeRow(bad, { 'Care homes beds': '99999999999' })]),
    column: 'Care homes beds',
  },
  {
    what: 'a null byte in a name',
    fileName: 'null-byte.csv',
    content: (good, bad) =>
      cqcCsv([careHomeRow(good), careHomeRow(bad, { 'Location Name': 'Moor\u0000side' })]),
    column: 'Location Name',
  },
  {
    what: 'half a surrogate pair in a name',
    fileName: 'surrogate.jsonl',
    content: (good, bad) =>
      Buffer.from(
        `${careHomeJsonLine(good, 'Whole name')}\n${careHomeJsonLine(bad, 'Broken \\ud800 name')}\n`,
      ),
    column: 'name',
  },
  {
    what: 'an over-long name',
    fileName: 'long.csv',
    content: (good, bad) =>
      cqcCsv([careHomeRow(good), careHomeRow(bad, { 'Location Name': incompressible(6000) })]),
    column: 'Location Name',
  },
  {
    what: 'an impossible date',
    fileName: 'date.csv',
    content: (good, bad) =>
      cqcCsv([careHomeRow(good), careHomeRow(bad, { 'Location HSCA start date': '2023-02-30' })]),
    column: 'Location HSCA start date',
  },
]

describe.each(engines)('a bad CQC row on %s', (engine) => {
  let t: TestApp
  let client: TestClient
  let officerId: string
  const rejections: unknown[] = []
  const onRejection = (reason: unknown) => rejections.push(reason)
  let nextId = 100_000_000

  beforeAll(async () => {
    process.on('unhandledRejection', onRejection)
    t = await buildTestApp(engine)
    const council = await createOrganisation(t.database.db, 'council', 'Southvale')
    const officer = await createUser(t.database.db, council, 'council_officer')
    officerId = officer.id
    client = new TestClient(t.app)
    await client.signIn(officer.email)
  })
  afterAll(async () => {
    process.off('unhandledRejection', onRejection)
    await t?.close()
  })
  afterEach(async () => {
    // A rejection nobody handled surfaces on a later turn of the event loop.
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(rejections).toEqual([])
    expect((await t.app.inject('/healthz')).statusCode).toBe(200)
  })

  const newId = () => `1-${++nextId}`
  const statusOf = async (id: string) =>
    t.database.db
      .selectFrom('cqcImports')
      .select(['status', 'error'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
  const locationNamed = (cqcLocationId: string) =>
    t.database.db
      .selectFrom('locations')
      .select(['id', 'name'])
      .where('cqcLocationId', '=', cqcLocationId)
      .executeTakeFirst()

  async function upload(fileName: string, content: Buffer) {
    await client.get('/imports/new')
    const response = await client.postMultipart(
      '/imports/new',
      { area: 'Southvale' },
      { field: 'file', fileName, content },
    )
    expect(response.statusCode).toBe(302)
    const id = response.headers.location!.split('/').pop()!
    return { id, page: load((await client.get(`/imports/${id}`)).body) }
  }

  async function confirmAndWait(id: string) {
    expect((await client.post(`/imports/${id}/confirm`, {})).statusCode).toBe(302)
    for (let i = 0; i < 200 && (await statusOf(id)).status === 'saving'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    return statusOf(id)
  }

  // Row, column and problem as the preview's table shows them.
  const problemRows = ($: ReturnType<typeof load>) =>
    $('table')
      .filter((_, table) => $(table).find('caption').text().includes('Problems'))
      .find('tbody tr')
      .toArray()
      .map((tr) =>
        $(tr)
          .find('td')
          .toArray()
          .map((td) => $(td).text().trim()),
      )

  it.each(crashInputs)('lists $what as the row’s problem, and saves the other rows', async (input) => {
    const good = newId()
    const bad = newId()
    const { id, page } = await upload(input.fileName, input.content(good, bad))
    const row = input.fileName.endsWith('.jsonl') ? '2' : '3'
    expect(problemRows(page)).toEqual([[row, input.column, bad, expect.any(String), expect.any(String)]])

    expect(await confirmAndWait(id)).toEqual({ status: 'saved', error: null })
    expect(await locationNamed(good)).toBeDefined()
    expect(await locationNamed(bad)).toBeUndefined()
  })

  it('saves the good rows of the same file from the command line, and lists the bad ones', async () => {
    const good = newId()
    const bad = crashInputs.map(() => newId())
    const rows = [
      careHomeRow(good),
      careHomeRow(bad[0]!, { 'Care homes beds': '99999999999' }),
      careHomeRow(bad[1]!, { 'Location Name': 'Moor\u0000side' }),
      careHomeRow(bad[2]!, { 'Location Name': incompressible(6000) }),
      careHomeRow(bad[3]!, { 'Location HSCA start date': '2023-02-30' }),
    ]
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'carehub-cqc-'))
    const file = path.join(dir, 'bad-rows.csv')
    await fs.writeFile(file, cqcCsv(rows))
    const printed: string[] = []
    const log = vi
      .spyOn(console, 'log')
      .mockImplementation((line: unknown) => void printed.push(String(line)))
    try {
      await importCqcFromCommandLine(t.services, file, { areaName: null, closeMissing: false, yes: true })
    } finally {
      log.mockRestore()
      await fs.rm(dir, { recursive: true })
    }
    expect(printed.join('\n')).toContain('row 3, Care homes beds')
    expect(printed.join('\n')).toContain('row 4, Location Name')
    expect(await locationNamed(good)).toBeDefined()
    for (const id of bad) expect(await locationNamed(id)).toBeUndefined()
  })

  it('records a save the database refuses as failed, with the reason, and logs no values', async () => {
    // A value the preview accepts and the database refuses: a rule this test adds to its own database.
    await sql`alter table locations add constraint test_refuses_large_homes check (registered_beds <= 500)`.execute(
      t.database.db,
    )
    try {
      const cqcLocationId = newId()
      const { id } = await upload(
        'large.csv',
        cqcCsv([careHomeRow(cqcLocationId, { 'Location Name': 'Sunny Bank', 'Care homes beds': '600' })]),
      )
      // Through the service, to read what it logs; the web's confirm hands it the request's logger.
      const logged: unknown[] = []
      const actor = (await loadActor(t.database.db, officerId))!.actor
      const log = { error: (details: object, message: string) => void logged.push({ details, message }) }
      expect(await t.services.cqcImports.confirm(actor, id, log)).toBe(true)
      for (let i = 0; i < 200 && (await statusOf(id)).status === 'saving'; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      const stored = await statusOf(id)
      expect(stored.status).toBe('failed')
      expect(stored.error).toMatch(/^The database refused the save: .*test_refuses_large_homes/)
      expect(await locationNamed(cqcLocationId)).toBeUndefined()
      expect(logged).toEqual([
        {
          details: { importId: id, error: { name: expect.any(String), code: '23514' } },
          message: expect.any(String),
        },
      ])
      expect(JSON.stringify(logged)).not.toContain('Sunny Bank')

      const page = load((await client.get(`/imports/${id}`)).body)
      expect(page('.govuk-tag').text()).toContain('Failed')
      expect(page('.govuk-warning-text').text()).toContain('test_refuses_large_homes')
      const list = load((await client.get('/imports')).body)
      expect(list('tbody tr').first().text()).toContain('Failed')
    } finally {
      await sql`alter table locations drop constraint test_refuses_large_homes`.execute(t.database.db)
    }
  })

  it('shows a save whose process died as failed, and runs it again', async () => {
    const cqcLocationId = newId()
    const { id } = await upload('interrupted.csv', cqcCsv([careHomeRow(cqcLocationId)]))
    // What a process that died mid-save leaves behind: "saving", and a heartbeat that has stopped.
    await t.database.db
      .updateTable('cqcImports')
      .set({ status: 'saving', heartbeatAt: t.clock.now() })
      .where('id', '=', id)
      .execute()
    if (engine === 'postgres') {
      // Another instance's save is alive while its heartbeat is: not failed under it.
      expect((await client.get(`/imports/${id}`)).body).toContain('Saving')
      t.clock.advanceMinutes(2)
    }
    // The embedded database is this process's alone: a save not running here has died with another.
    const page = load((await client.get(`/imports/${id}`)).body)
    expect(page('.govuk-tag').text()).toContain('Failed')
    expect(page('.govuk-warning-text').text()).toContain(
      'Not finished: the service stopped while saving; run it again.',
    )
    expect(await statusOf(id)).toEqual({
      status: 'failed',
      error: 'Not finished: the service stopped while saving; run it again.',
    })
    const audit = await t.database.db
      .selectFrom('auditEvents')
      .select('action')
      .where('entityId', '=', id)
      .orderBy('id')
      .execute()
    expect(audit.map((a) => a.action)).toEqual(['cqc-import-previewed', 'cqc-import-failed'])

    const again = await client.post(`/imports/${id}/run-again`, {})
    expect(again.statusCode).toBe(302)
    const newImport = again.headers.location!.split('/').pop()!
    expect(newImport).not.toBe(id)
    expect((await statusOf(newImport)).status).toBe('previewed')
    expect(await confirmAndWait(newImport)).toEqual({ status: 'saved', error: null })
    expect(await locationNamed(cqcLocationId)).toBeDefined()
    // Only a failed import runs again.
    expect((await client.post(`/imports/${newImport}/run-again`, {})).statusCode).toBe(404)
  })
})
