import JSZip from 'jszip'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { setUpActionPlan } from '../../../test/support/action-plan-world.ts'
import { type TestApp, TestClient } from '../../../test/support/test-app.ts'
import { engines } from '../../../test/support/test-database.ts'

// The docx's text, and each table's rows' cells' text.
async function docxText(bytes: Buffer) {
  const xml = await (await JSZip.loadAsync(bytes)).file('word/document.xml')!.async('string')
  const text = (s: string) => [...s.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join('')
  const tables = [...xml.matchAll(/<w:tbl>([\s\S]*?)<\/w:tbl>/g)].map(([, table]) =>
    [...table!.matchAll(/<w:tr(?: [^>]*)?>([\s\S]*?)<\/w:tr>/g)].map(([, row]) =>
      [...row!.matchAll(/<w:tc>([\s\S]*?)<\/w:tc>/g)].map(([, cell]) => text(cell!)),
    ),
  )
  return { all: text(xml), tables }
}

describe.each(engines)('building the action plan and reading its report live on %s', (engine) => {
  let t: TestApp
  const ids: Record<string, string> = {}
  const emails: Record<string, string> = {}
  beforeAll(async () => {
    t = await setUpActionPlan(engine, ids, emails)
  })
  afterAll(async () => {
    await t?.close()
  })
  const signedIn = async (who: string) => {
    const client = new TestClient(t.app)
    await client.signIn(emails[who]!)
    return client
  }
  const audits = (action: string) =>
    t.database.db.selectFrom('auditEvents').selectAll().where('action', '=', action).execute()
  const summary = (body: string) =>
    [...body.matchAll(/<a href="(#[^"]+)">\s*([^<]+?)\s*<\/a>/g)].map((m) => [m[1], m[2]])

  it('lets a council officer add an area and a key objective; bad input changes nothing', async () => {
    const officer = await signedIn('officer')
    expect((await officer.get('/action-plan/areas/new')).statusCode).toBe(200)
    const refused = await officer.post('/action-plan/areas/new', { title: '', aim: '', objectives: ' \n ' })
    expect(refused.statusCode).toBe(400)
    expect(summary(refused.body)).toEqual([
      ['#title', 'Enter the area’s title'],
      ['#aim', 'Enter what the area aims to achieve'],
      ['#objectives', 'Enter at least one key objective, one a line'],
    ])
    expect(await t.database.db.selectFrom('planAreas').select('id').execute()).toHaveLength(2)
    const saved = await officer.post('/action-plan/areas/new', {
      title: 'Workforce',
      aim: 'Enough staff in every home.',
      objectives: 'Recruit care staff\n\nKeep them well',
    })
    expect(saved.statusCode).toBe(302)
    const area = await t.database.db
      .selectFrom('planAreas')
      .selectAll()
      .where('councilId', '=', ids.council!)
      .where('number', '=', 3)
      .executeTakeFirstOrThrow()
    expect(area.objectives).toEqual(['Recruit care staff', 'Keep them well'])
    ids.area3 = area.id
    expect(await audits('plan-area-added')).toHaveLength(1)

    const noObjective = await officer.post(`/action-plan/areas/${area.id}/objectives/new`, { objective: '' })
    expect(noObjective.statusCode).toBe(400)
    expect(summary(noObjective.body)).toEqual([['#objective', 'Enter the key objective']])
    await officer.get(`/action-plan/areas/${area.id}/objectives/new`)
    const added = await officer.post(`/action-plan/areas/${area.id}/objectives/new`, {
      objective: 'Train new starters',
    })
    expect(added.statusCode).toBe(302)
    expect((await officer.get('/action-plan')).body).toContain('Train new starters')
    expect(await audits('plan-objective-added')).toHaveLength(1)

    // Only the council's own officers shape the plan: a partner, a viewer and another council get 404.
    for (const who of ['partner', 'viewer', 'otherOfficer']) {
      const client = await signedIn(who)
      if (who !== 'otherOfficer')
        expect((await client.get('/action-plan/areas/new')).statusCode, who).toBe(404)
      expect((await client.get(`/action-plan/areas/${area.id}/objectives/new`)).statusCode, who).toBe(404)
      const post = await client.post(`/action-plan/areas/${area.id}/objectives/new`, { objective: 'Sneaky' })
      expect(post.statusCode, who).toBe(404)
    }
    expect((await officer.get('/action-plan')).body).not.toContain('Sneaky')
  })

  it('lets an officer add an action for any lead, and a partner only for itself', async () => {
    const officer = await signedIn('officer')
    await officer.get('/action-plan/actions/new')
    const refused = await officer.post('/action-plan/actions/new', {
      areaId: '',
      title: '',
      leadOrganisationId: '',
      leadName: '',
      partners: '',
      'dueDate-day': '31',
      'dueDate-month': '2',
      'dueDate-year': '2021',
      rag: '',
    })
    expect(refused.statusCode).toBe(400)
    expect(summary(refused.body).map(([href]) => href)).toEqual([
      '#areaId',
      '#title',
      '#leadOrganisationId',
      '#leadName',
      '#dueDate-day',
      '#rag',
    ])
    const before = await t.database.db.selectFrom('planActions').select('id').execute()
    const saved = await officer.post('/action-plan/actions/new', {
      areaId: ids.area3!,
      title: 'Run a recruitment campaign',
      leadOrganisationId: ids.ccg!,
      leadName: 'Workforce lead',
      partners: 'Skills for Care',
      'dueDate-day': '30',
      'dueDate-month': '6',
      'dueDate-year': '2020',
      rag: 'amber',
      measureKeys: 'welfare-checks-completed',
    })
    expect(saved.statusCode).toBe(302)
    const action = await t.database.db
      .selectFrom('planActions')
      .selectAll()
      .where('areaId', '=', ids.area3!)
      .executeTakeFirstOrThrow()
    expect(before).toHaveLength(3)
    expect(action).toMatchObject({
      position: 1,
      leadName: 'Workforce lead',
      dueOn: '2020-06-30',
      rag: 'amber',
    })
    expect(action.measureKeys).toEqual(['welfare-checks-completed'])
    expect(saved.headers.location).toBe(`/action-plan/actions/${action.id}?added=1`)
    expect(await audits('plan-action-added')).toHaveLength(1)

    // The IPC team's officer may name only the IPC team as lead.
    const partner = await signedIn('partner')
    await partner.get('/action-plan/actions/new')
    const notTheirs = await partner.post('/action-plan/actions/new', {
      areaId: ids.area3!,
      title: 'Someone else’s action',
      leadOrganisationId: ids.ccg!,
      leadName: 'CCG',
      partners: '',
      rag: 'green',
    })
    expect(notTheirs.statusCode).toBe(400)
    expect(summary(notTheirs.body)).toEqual([
      ['#leadOrganisationId', 'Select the organisation that leads it'],
    ])
    const theirs = await partner.post('/action-plan/actions/new', {
      areaId: ids.area3!,
      title: 'Teach infection control to new starters',
      leadOrganisationId: ids.ipc!,
      leadName: 'IPC nurse lead',
      partners: '',
      rag: 'green',
    })
    expect(theirs.statusCode).toBe(302)
    expect(await audits('plan-action-added')).toHaveLength(2)
    expect((await (await signedIn('viewer')).get('/action-plan/actions/new')).statusCode).toBe(404)
    expect((await (await signedIn('manager')).get('/action-plan/actions/new')).statusCode).toBe(404)
  })

  it('lets an officer or a partner add a training offer, its cost kept out of the report', async () => {
    const partner = await signedIn('partner')
    await partner.get('/training/offers/new')
    const refused = await partner.post('/training/offers/new', {
      kind: '',
      title: '',
      deliveredBy: '',
      'startDate-day': '',
      'startDate-month': '',
      'startDate-year': '',
      'endDate-day': '1',
      'endDate-month': '1',
      'endDate-year': '2020',
      capacity: 'many',
      cost: 'lots',
    })
    expect(refused.statusCode).toBe(400)
    expect(summary(refused.body).map(([href]) => href)).toEqual([
      '#kind',
      '#title',
      '#deliveredBy',
      '#startDate-day',
      '#capacity',
      '#cost',
    ])
    const saved = await partner.post('/training/offers/new', {
      kind: 'webinar',
      title: 'Donning and doffing webinar',
      deliveredBy: 'IPC team',
      'startDate-day': '20',
      'startDate-month': '4',
      'startDate-year': '2020',
      'endDate-day': '',
      'endDate-month': '',
      'endDate-year': '',
      capacity: '100',
      cost: '£1,250.50',
    })
    expect(saved.statusCode).toBe(302)
    const offer = await t.database.db
      .selectFrom('trainingOffers')
      .selectAll()
      .where('title', '=', 'Donning and doffing webinar')
      .executeTakeFirstOrThrow()
    expect(offer).toMatchObject({
      councilId: ids.council,
      kind: 'webinar',
      capacity: 100,
      startsOn: '2020-04-20',
    })
    expect(Number(offer.costPence)).toBe(125_050)
    expect(await audits('training-offer-added')).toHaveLength(1)
    expect((await (await signedIn('viewer')).get('/training/offers/new')).statusCode).toBe(404)
    const report = await partner.get('/action-plan/report')
    expect(report.body).toContain('Donning and doffing webinar')
    expect(report.body).not.toContain('1,250.50')
  })

  it('shows the progress report as it stands now, and as a Word document read back', async () => {
    const viewer = await signedIn('viewer')
    const page = await viewer.get('/action-plan/report')
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('3.1 Run a recruitment campaign')
    expect(page.body).toContain('Welfare checks completed: No data yet')
    const docx = await viewer.get('/action-plan/report.docx')
    expect(docx.statusCode).toBe(200)
    expect(docx.headers['content-type']).toContain('wordprocessingml')
    const read = await docxText(docx.rawPayload)
    expect(read.all).toContain('Not published: the report as it stood at')
    const actionTables = read.tables.filter((table) => table[0]?.[0] === 'What we said we needed to do')
    expect(actionTables[0]![0]).toEqual([
      'What we said we needed to do',
      'Update on this action',
      'What we still need to do',
      'Who is taking the lead',
    ])
    const firstCells = actionTables.flatMap((table) => table.slice(1).map((row) => row[0]!.split(' ')[0]))
    expect(firstCells).toEqual(['1.1', '1.2', '2.1', '3.1', '3.2'])
    expect(actionTables[2]![1]![3]).toBe('Workforce leadWith Skills for Care')
    expect((await (await signedIn('otherOfficer')).get('/action-plan/report')).body).not.toContain(
      'Run a recruitment',
    )
    expect((await (await signedIn('manager')).get('/action-plan/report.docx')).statusCode).toBe(404)
  })
})
