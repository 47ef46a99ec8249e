import JSZip from 'jszip'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { setUpActionPlan } from '../../../test/support/action-plan-world.ts'
import { actorFor as loadActorOf } from '../../../test/support/actors.ts'
import { type TestApp, TestClient } from '../../../test/support/test-app.ts'
import { engines } from '../../../test/support/test-database.ts'
import { measureByKey } from '../action-plan/index.ts'
import { figuresIn, type PublishedContent } from './index.ts'

// The docx's tables, read back: each row's cells' text.
async function docxTables(bytes: Buffer): Promise<string[][][]> {
  const xml = await (await JSZip.loadAsync(bytes)).file('word/document.xml')!.async('string')
  const text = (s: string) => [...s.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join('')
  return [...xml.matchAll(/<w:tbl>([\s\S]*?)<\/w:tbl>/g)].map(([, table]) =>
    [...table!.matchAll(/<w:tr>([\s\S]*?)<\/w:tr>|<w:tr [^>]*>([\s\S]*?)<\/w:tr>/g)].map((row) =>
      [...(row[1] ?? row[2])!.matchAll(/<w:tc>([\s\S]*?)<\/w:tc>/g)].map(([, cell]) => text(cell!)),
    ),
  )
}

describe.each(engines)('publishing the progress report on %s', (engine) => {
  let t: TestApp
  const ids: Record<string, string> = {}
  const emails: Record<string, string> = {}
  beforeAll(async () => {
    t = await setUpActionPlan(engine, ids, emails)
    const training = t.services.training
    const partner = await loadActorOf(t.database.db, ids.partner!)
    // Uptake for the ten providers: 0–2 delivered (2 attended each), 3 declined, 4–9 accepted.
    for (let i = 0; i < 10; i++) {
      t.clock.advanceMinutes(1)
      const status = i < 3 ? 'delivered' : i === 3 ? 'declined' : 'accepted'
      const r = await training.recordUptake(partner, ids.ipcOffer!, {
        providerId: ids[`provider${i}`]!,
        status,
        declineReason: status === 'declined' ? 'No staff free' : '',
        attendees: status === 'delivered' ? '2' : '',
      })
      expect(r?.ok).toBe(true)
    }
    for (const rating of ['good', 'excellent', 'fair']) {
      const r = await training.recordFeedback(partner, ids.ipcOffer!, {
        trainerKnowledge: rating,
        responsive: 'yes',
        knowledgeIncreased: 'yes',
      })
      expect(r?.ok).toBe(true)
    }
  })
  afterAll(async () => {
    await t?.close()
  })
  const signedIn = async (who: string) => {
    const client = new TestClient(t.app)
    await client.signIn(emails[who]!)
    return client
  }

  it('lets a lead update their own action, and shows its measures filled in', async () => {
    const partner = await signedIn('partner')
    await partner.get(`/action-plan/actions/${ids.ipcAction}/update`)
    const refused = await partner.post(`/action-plan/actions/${ids.ipcAction}/update`, { rag: 'purple' })
    expect(refused.statusCode).toBe(400)
    expect(refused.body).toContain('Enter what was done this period')
    expect(refused.body).toContain('Select how the action is going')
    const saved = await partner.post(`/action-plan/actions/${ids.ipcAction}/update`, {
      period: 'April 2020',
      doneThisPeriod: 'Courses ran for three homes.',
      stillToDo: 'Reach the rest.',
      rag: 'green',
    })
    expect(saved.statusCode).toBe(302)
    const page = await partner.get(`/action-plan/actions/${ids.ipcAction}`)
    expect(page.body).toContain('Courses ran for three homes.')
    expect(page.body).toContain('data-measure="ipc-training-answered">100% (10 of 10)</span>')
    expect(page.body).toContain('data-measure="trainer-rated-good">67% (2 of 3)</span>')
    // A partner updates only its own organisation's actions; another council's officer sees none.
    expect((await partner.get(`/action-plan/actions/${ids.ccgAction}/update`)).statusCode).toBe(404)
    const other = await signedIn('otherOfficer')
    expect((await other.get(`/action-plan/actions/${ids.ipcAction}`)).statusCode).toBe(404)
    const measure = await partner.get('/action-plan/measures/ipc-training-answered')
    expect(measure.body).toContain('No staff free')
  })

  it('is checked by the providers it names, signed off after the window, and never changes', async () => {
    let officer = await signedIn('officer')
    await officer.get('/publications')
    const started = await officer.post('/publications/new', { kind: 'action-plan-progress-report' })
    expect(started.statusCode).toBe(302)
    const versionPath = started.headers.location as string
    const publicationId = versionPath.split('/')[2]!
    const draft = await officer.get(versionPath)
    expect(draft.statusCode, draft.body.slice(0, 3000)).toBe(200)
    expect((await officer.post(`${versionPath}/check`, { checkDays: '0' })).statusCode).toBe(400)
    expect((await officer.post(`${versionPath}/check`, { checkDays: '5' })).statusCode).toBe(302)
    const row = await t.database.db
      .selectFrom('publicationVersions')
      .select(['checkClosesOn', 'status'])
      .where('publicationId', '=', publicationId)
      .executeTakeFirstOrThrow()
    expect(row).toEqual({ checkClosesOn: '2020-04-21', status: 'checking' })

    // The provider sees its own figures, and challenges one.
    let manager = await signedIn('manager')
    const figures = await manager.get('/publications/your-figures')
    expect(figures.body).toContain('IPC course: status')
    expect(figures.body).not.toContain('Plan Provider 01')
    const challenged = await manager.post(`/publications/${publicationId}/versions/1/challenges`, {
      figure: 'IPC course: people attended',
      reason: 'Three of our staff attended, not two.',
    })
    expect(challenged.statusCode).toBe(302)

    // During the window, and after it while the challenge is open, sign-off is refused.
    expect((await officer.get(`${versionPath}/sign-off`)).statusCode).toBe(302)
    t.clock.set(new Date('2020-04-22T08:00:00Z'))
    // Sessions end when idle for days: sign in again.
    officer = await signedIn('officer')
    const blocked = await officer.get(versionPath)
    expect(blocked.body).toContain('1 challenge from providers must be resolved first')
    expect((await officer.post(`${versionPath}/sign-off`, { confirm: 'yes' })).statusCode).toBe(302)
    expect(
      (await t.database.db.selectFrom('publicationVersions').select('status').executeTakeFirstOrThrow())
        .status,
    ).toBe('checking')
    // Too late to challenge now.
    manager = await signedIn('manager')
    await manager.get('/publications/your-figures')
    const late = await manager.post(`/publications/${publicationId}/versions/1/challenges`, {
      figure: 'IPC course: status',
      reason: 'Late',
    })
    expect(late.statusCode).toBe(404)

    const challenge = await t.database.db
      .selectFrom('publicationChallenges')
      .select('id')
      .executeTakeFirstOrThrow()
    await officer.get(versionPath)
    const resolved = await officer.post(`${versionPath}/challenges/${challenge.id}`, {
      resolution: 'Checked with the IPC team: two attended; the figure stands.',
    })
    expect(resolved.statusCode).toBe(302)
    const history = await officer.get(versionPath)
    expect(history.body).toContain('Checked with the IPC team: two attended; the figure stands.')
    expect(history.body).toContain('challenge raised')

    const check = await officer.get(`${versionPath}/sign-off`)
    expect(check.statusCode).toBe(200)
    expect(check.body).toContain('Check before you publish')
    const published = await officer.post(`${versionPath}/sign-off`, { confirm: 'yes' })
    expect(published.statusCode).toBe(302)
    const publishedAt = t.clock.now()

    // Anyone reads it at its permanent address, signed in or not.
    const anyone = new TestClient(t.app)
    const base = `/published/${publicationId}/versions/1`
    const files = async () => ({
      html: (await anyone.get(base)).rawPayload,
      docx: (await anyone.get(`${base}/report.docx`)).rawPayload,
      csv: (await anyone.get(`${base}/report.csv`)).rawPayload,
    })
    const first = await files()
    const html = first.html.toString('utf8')
    expect(html).toContain('signed off by')
    expect(html).toContain('Courses ran for three homes.')
    // The cost of the training is commercially sensitive: never published.
    expect(html).not.toContain('9,876.54')
    expect(html).not.toContain('Cost to the council')
    expect(first.csv.toString('utf8')).not.toContain('Cost to the council')

    // Criterion 2: every figure equals its measure's value at the publication time.
    const stored = await t.database.db
      .selectFrom('publicationVersions')
      .select(['content', 'publishedAt'])
      .where('publicationId', '=', publicationId)
      .executeTakeFirstOrThrow()
    expect(stored.publishedAt).toEqual(publishedAt)
    const content = stored.content as PublishedContent
    const inReport = figuresIn(content)
    expect(inReport.map((f) => f.key).sort()).toEqual([
      'ipc-training-answered',
      'locations-reporting-today',
      'trainer-rated-good',
    ])
    for (const f of inReport) {
      const value = await measureByKey.get(f.key)!.compute(t.database.db, ids.council!, publishedAt)
      expect(f.shown).toBe(value.shown)
      expect(f.asAt).toBe(publishedAt.toISOString())
      expect(html).toContain(
        `${f.name.replace('’', '&#39;').replace(/'/g, '&#39;')}: ${f.shown}`.replace('&#39;', '’'),
      )
    }
    // Criterion 3, as published: attendees by area and kind — no count from 1 to 4 is shown.
    const suppressed = content.blocks.find((b) => b.type === 'suppressed')
    expect(suppressed?.type).toBe('suppressed')
    if (suppressed?.type === 'suppressed') {
      const t2 = suppressed.table
      for (const c of [...t2.cells.flat(), ...t2.rowTotals, ...t2.columnTotals, t2.total])
        expect(c.withheld || c.value === 0 || c.value >= 5).toBe(true)
      // North has 4 attended (providers 0 and 2), South 2 (provider 1): both withheld.
      expect(t2.rowLabels).toEqual(['North', 'South'])
      expect(t2.cells.map((r) => r[0]!.shown)).toEqual(['[c]', '[c]'])
    }

    // Criterion 4: the DOCX has the actions in order, with the four columns.
    const tables = await docxTables(first.docx)
    const actionTables = tables.filter((tb) => tb[0]?.[0] === 'What we said we needed to do')
    expect(actionTables.map((tb) => tb[0])).toEqual(
      Array(2).fill([
        'What we said we needed to do',
        'Update on this action',
        'What we still need to do',
        'Who is taking the lead',
      ]),
    )
    expect(actionTables.flatMap((tb) => tb.slice(1).map((r) => r[0]!.split(' ')[0]))).toEqual([
      '1.1',
      '1.2',
      '2.1',
    ])
    expect(actionTables[0]![1]![1]).toContain('Courses ran for three homes.')
    expect(actionTables[0]![1]![1]).toContain(
      'Providers that accepted or declined IPC training: 100% (10 of 10)',
    )

    // Criterion 1: the data changes; the published files do not.
    t.clock.set(new Date('2020-04-23T08:00:00Z'))
    officer = await signedIn('officer')
    const partner = await loadActorOf(t.database.db, ids.partner!)
    await t.services.training.recordUptake(partner, ids.ipcOffer!, {
      providerId: ids.provider3!,
      status: 'delivered',
      declineReason: '',
      attendees: '9',
    })
    await t.services.actionPlan.update(
      partner,
      ids.ipcAction!,
      { period: 'Later', doneThisPeriod: 'Changed afterwards.', stillToDo: 'x', rag: 'red' },
      'Someone',
    )
    await t.database.db.updateTable('trainingOffers').set({ title: 'Renamed course' }).execute()
    const second = await files()
    expect(second.html.equals(first.html)).toBe(true)
    expect(second.docx.equals(first.docx)).toBe(true)
    expect(second.csv.equals(first.csv)).toBe(true)
    await expect(
      t.database.db
        .updateTable('publicationVersions')
        .set({ html: Buffer.from('x') })
        .where('status', '=', 'published')
        .execute(),
    ).rejects.toThrow(/never changes/)

    // A correction is a new version that says what changed; the first stays as it was.
    await officer.get(`/publications/${publicationId}/correct`)
    expect(
      (await officer.post(`/publications/${publicationId}/correct`, { changeNote: '' })).statusCode,
    ).toBe(400)
    const corrected = await officer.post(`/publications/${publicationId}/correct`, {
      changeNote: 'Adds the training delivered on 23 April.',
    })
    expect(corrected.headers.location).toBe(`/publications/${publicationId}/versions/2`)
    await officer.get(`/publications/${publicationId}/versions/2`)
    await officer.post(`/publications/${publicationId}/versions/2/check`, { checkDays: '1' })
    t.clock.set(new Date('2020-04-27T08:00:00Z'))
    officer = await signedIn('officer')
    await officer.get(`/publications/${publicationId}/versions/2/sign-off`)
    expect(
      (await officer.post(`/publications/${publicationId}/versions/2/sign-off`, { confirm: 'yes' }))
        .statusCode,
    ).toBe(302)
    const v2 = (await anyone.get(`/published/${publicationId}/versions/2`)).body
    expect(v2).toContain('Adds the training delivered on 23 April.')
    expect(v2).toContain('Changed afterwards.')
    expect((await files()).html.equals(first.html)).toBe(true)
    const index = await anyone.get(`/published/${publicationId}`)
    expect(index.statusCode).toBe(200)
    expect(index.body).toContain('Version 2')
    expect(index.body).toContain('Version 1')
    expect((await anyone.get(`/published/${publicationId}/versions/3`)).statusCode).toBe(404)
    // Preparing is for council officers: a viewer cannot reach the workflow.
    const viewer = await signedIn('viewer')
    expect((await viewer.get('/publications')).statusCode).toBe(404)
  })
})
