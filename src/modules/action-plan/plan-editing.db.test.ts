import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { setUpActionPlan } from '../../../test/support/action-plan-world.ts'
import { linkPartner } from '../../../test/support/factories.ts'
import { type TestApp, TestClient } from '../../../test/support/test-app.ts'
import { engines } from '../../../test/support/test-database.ts'

// Correcting the plan: an area's title, aim and key objectives, and an action's title, lead,
// partners, due date and measures, through the "Change" links on the plan page.
describe.each(engines)('correcting the action plan on %s', (engine) => {
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
  const db = () => t.database.db
  const audits = (action: string) =>
    db().selectFrom('auditEvents').selectAll().where('action', '=', action).orderBy('occurredAt').execute()
  const summary = (body: string) =>
    [...body.matchAll(/<a href="(#[^"]+)">\s*([^<]+?)\s*<\/a>/g)].map((m) => [m[1], m[2]])
  // Everything a correction could write.
  const snapshot = async () => ({
    areas: await db().selectFrom('planAreas').selectAll().orderBy('id').execute(),
    actions: await db().selectFrom('planActions').selectAll().orderBy('id').execute(),
    // Signing in is audited too: only the plan's records count here.
    audit: (await db().selectFrom('auditEvents').select('id').where('action', 'like', 'plan-%').execute())
      .length,
  })
  const area1 = () =>
    db()
      .selectFrom('planAreas')
      .selectAll()
      .where('councilId', '=', ids.council!)
      .where('number', '=', 1)
      .executeTakeFirstOrThrow()
  const action = (id: string) =>
    db().selectFrom('planActions').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
  const ipcActionForm = {
    title: 'Train every care home in infection control',
    leadOrganisationId: '',
    leadName: 'IPC nurse lead',
    partners: '',
    'dueDate-day': '31',
    'dueDate-month': '7',
    'dueDate-year': '2020',
    measureKeys: 'ipc-training-answered',
  }

  it('shows only its own banners: a crafted link cannot put words in one', async () => {
    const officer = await signedIn('officer')
    const own = await officer.get('/action-plan?areaChanged=2')
    expect(own.body).toContain('Area 2 changed')
    const crafted = await officer.get(
      `/action-plan?areaChanged=${encodeURIComponent('2 was locked: ring 0800 000 000 now')}`,
    )
    expect(crafted.statusCode).toBe(200)
    expect(crafted.body).not.toContain('ring 0800')
    expect(crafted.body).not.toContain('govuk-notification-banner')
  })

  it('saves a corrected area and action, audited with before and after, and shows them', async () => {
    const officer = await signedIn('officer')
    const area = await area1()
    const plan = await officer.get('/action-plan')
    expect(plan.body).toContain(`href="/action-plan/areas/${area.id}/change"`)
    expect(plan.body).toContain(`href="/action-plan/actions/${ids.ipcAction}/change"`)
    expect(plan.body).toContain('Change<span class="govuk-visually-hidden"> action 1.1</span>')

    const form = await officer.get(`/action-plan/areas/${area.id}/change`)
    expect(form.statusCode).toBe(200)
    expect(form.body).toContain('<h1 class="govuk-heading-l">Change area 1</h1>')
    expect(form.body).toContain('value="Safe care"')
    expect(form.body).toContain('>Keep watch</textarea>')
    const saved = await officer.post(`/action-plan/areas/${area.id}/change`, {
      title: 'Safe and personal care',
      aim: 'Care stays safe.',
      objectives: 'Keep watch\nListen to people',
    })
    expect(saved.statusCode).toBe(302)
    expect(saved.headers.location).toBe('/action-plan?areaChanged=1#area-1')
    expect(await area1()).toMatchObject({
      number: 1,
      title: 'Safe and personal care',
      aim: 'Care stays safe.',
      objectives: ['Keep watch', 'Listen to people'],
    })
    const [areaAudit, ...moreAreas] = await audits('plan-area-changed')
    expect(moreAreas).toEqual([])
    expect(areaAudit).toMatchObject({
      entityType: 'plan_area',
      entityId: area.id,
      actorUserId: ids.officer,
      before: { title: 'Safe care', objectives: ['Keep watch'] },
      after: { title: 'Safe and personal care', objectives: ['Keep watch', 'Listen to people'] },
    })

    const actionForm = await officer.get(`/action-plan/actions/${ids.ipcAction}/change`)
    expect(actionForm.statusCode).toBe(200)
    expect(actionForm.body).toContain('value="Train every care home in IPC"')
    expect(actionForm.body).toMatch(/name="dueDate-day"[^>]*value="30"/)
    expect(actionForm.body).toMatch(/value="trainer-rated-good" checked/)
    // How it is going changes only with an update: not on this form.
    expect(actionForm.body).not.toContain('name="rag"')
    const before = await action(ids.ipcAction!)
    t.clock.advanceMinutes(5)
    const changed = await officer.post(`/action-plan/actions/${ids.ipcAction}/change`, {
      ...ipcActionForm,
      leadOrganisationId: ids.ipc!,
    })
    expect(changed.statusCode).toBe(302)
    expect(changed.headers.location).toBe('/action-plan?actionChanged=1.1#area-1')
    const after = await action(ids.ipcAction!)
    expect(after).toMatchObject({
      areaId: before.areaId,
      position: 1,
      title: 'Train every care home in infection control',
      leadOrganisationId: ids.ipc,
      leadName: 'IPC nurse lead',
      partners: null,
      dueOn: '2020-07-31',
      rag: 'amber',
      measureKeys: ['ipc-training-answered'],
    })
    expect(after.updatedAt).toEqual(t.clock.now())
    const [actionAudit, ...moreActions] = await audits('plan-action-changed')
    expect(moreActions).toEqual([])
    expect(actionAudit).toMatchObject({ entityType: 'plan_action', entityId: ids.ipcAction })
    expect({ before: actionAudit!.before, after: actionAudit!.after }).toEqual({
      before: {
        title: 'Train every care home in IPC',
        leadName: 'IPC team',
        partners: 'CCG',
        dueOn: '2020-06-30',
        measureKeys: ['ipc-training-answered', 'trainer-rated-good'],
      },
      after: {
        title: 'Train every care home in infection control',
        leadName: 'IPC nurse lead',
        partners: null,
        dueOn: '2020-07-31',
        measureKeys: ['ipc-training-answered'],
      },
    })

    const shown = await officer.get('/action-plan?actionChanged=1.1')
    expect(shown.body).toContain('Action 1.1 changed')
    expect(shown.body).toContain('1. Safe and personal care')
    expect(shown.body).toContain('1.1 Train every care home in infection control')
  })

  it('refuses bad input with each field’s error and changes nothing', async () => {
    const officer = await signedIn('officer')
    const area = await area1()
    const before = await snapshot()
    await officer.get(`/action-plan/areas/${area.id}/change`)
    const noArea = await officer.post(`/action-plan/areas/${area.id}/change`, {
      title: ' ',
      aim: 'x'.repeat(2001),
      objectives: '\n',
    })
    expect(noArea.statusCode).toBe(400)
    expect(summary(noArea.body)).toEqual([
      ['#title', 'Enter the area’s title'],
      ['#aim', 'The aim must be 2,000 characters or fewer'],
      ['#objectives', 'Enter at least one key objective, one a line'],
    ])
    await officer.get(`/action-plan/actions/${ids.ccgAction}/change`)
    const noAction = await officer.post(`/action-plan/actions/${ids.ccgAction}/change`, {
      title: '',
      // Another council is no lead of this plan's actions.
      leadOrganisationId: ids.otherCouncil!,
      leadName: '',
      partners: 'Kept as typed',
      'dueDate-day': '30',
      'dueDate-month': '2',
      'dueDate-year': '2021',
      measureKeys: 'no-such-measure',
    })
    expect(noAction.statusCode).toBe(400)
    expect(summary(noAction.body)).toEqual([
      ['#title', 'Enter what the action is'],
      ['#leadOrganisationId', 'Select the organisation that leads it'],
      ['#leadName', 'Enter who is taking the lead'],
      ['#dueDate-day', 'The due date must be a real date, like 30 6 2021'],
      ['#measureKeys', 'Select measures from the list'],
    ])
    expect(noAction.body).toContain('value="Kept as typed"')
    expect(await snapshot()).toEqual(before)
  })

  it('saves nothing when nothing changed, and says so', async () => {
    const officer = await signedIn('officer')
    const area = await area1()
    const before = await snapshot()
    const same = await officer.post(`/action-plan/areas/${area.id}/change`, {
      title: ' Safe and personal care ',
      aim: 'Care stays safe.',
      objectives: 'Keep watch\r\n\r\nListen to people\r\n',
    })
    expect(same.headers.location).toBe('/action-plan?areaUnchanged=1#area-1')
    const sameAction = await officer.post(`/action-plan/actions/${ids.ipcAction}/change`, {
      ...ipcActionForm,
      leadOrganisationId: ids.ipc!,
      'dueDate-month': '07',
    })
    expect(sameAction.headers.location).toBe('/action-plan?actionUnchanged=1.1#area-1')
    expect(await snapshot()).toEqual(before)
    expect((await officer.get('/action-plan?actionUnchanged=1.1')).body).toContain(
      'You did not change action 1.1, so nothing was saved',
    )
  })

  it('refuses another council’s officer, a viewer, and a partner at an action it does not lead', async () => {
    const area = await area1()
    const before = await snapshot()
    for (const who of ['otherOfficer', 'viewer', 'partner', 'ccgOfficer', 'manager']) {
      const client = await signedIn(who)
      await client.get('/action-plan')
      expect((await client.get(`/action-plan/areas/${area.id}/change`)).statusCode, who).toBe(404)
      const post = await client.post(`/action-plan/areas/${area.id}/change`, {
        title: 'Taken over',
        aim: 'Taken over',
        objectives: 'Taken over',
      })
      expect(post.statusCode, who).toBe(404)
      if (who === 'ccgOfficer') continue
      expect((await client.get(`/action-plan/actions/${ids.ccgAction}/change`)).statusCode, who).toBe(404)
      const actionPost = await client.post(`/action-plan/actions/${ids.ccgAction}/change`, {
        ...ipcActionForm,
        title: 'Taken over',
        leadOrganisationId: ids.ccg!,
      })
      expect(actionPost.statusCode, who).toBe(404)
    }
    expect(await snapshot()).toEqual(before)

    // A partner corrects the actions its organisation leads, in every council's plan it serves (each
    // checked against the action's own council), and cannot hand one to another organisation.
    const otherArea = await db()
      .insertInto('planAreas')
      .values({
        councilId: ids.otherCouncil!,
        number: 1,
        title: 'Elsewhere',
        aim: 'Another council’s aim.',
        objectives: JSON.stringify(['Theirs']),
        createdAt: t.clock.now(),
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    const otherAction = await db()
      .insertInto('planActions')
      .values({
        areaId: otherArea.id,
        position: 1,
        title: 'Train the other council’s homes',
        leadOrganisationId: ids.ipc!,
        leadName: 'IPC team',
        partners: null,
        dueOn: null,
        rag: 'green',
        measureKeys: '[]',
        createdAt: t.clock.now(),
        updatedAt: t.clock.now(),
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await linkPartner(db(), ids.ipc!, ids.otherCouncil!)
    const partner = await signedIn('partner')
    for (const id of [ids.ipcAction!, otherAction.id]) {
      await partner.get(`/action-plan/actions/${id}/change`)
      const handed = await partner.post(`/action-plan/actions/${id}/change`, {
        ...ipcActionForm,
        leadOrganisationId: ids.ccg!,
      })
      expect(handed.statusCode).toBe(400)
      expect(summary(handed.body)).toEqual([['#leadOrganisationId', 'Select the organisation that leads it']])
      const corrected = await partner.post(`/action-plan/actions/${id}/change`, {
        ...ipcActionForm,
        leadOrganisationId: ids.ipc!,
        leadName: 'IPC nurse consultant',
      })
      expect(corrected.statusCode, id).toBe(302)
      expect((await action(id)).leadName).toBe('IPC nurse consultant')
    }
    // This council's officer cannot reach the other council's plan.
    const officer = await signedIn('officer')
    expect((await officer.get(`/action-plan/areas/${otherArea.id}/change`)).statusCode).toBe(404)
    expect((await officer.get(`/action-plan/actions/${otherAction.id}/change`)).statusCode).toBe(404)
  })

  it('shows a correction in the report as it stands now; a published version stays as it was', async () => {
    let officer = await signedIn('officer')
    await officer.get('/publications')
    const started = await officer.post('/publications/new', { kind: 'action-plan-progress-report' })
    const versionPath = started.headers.location as string
    await officer.get(versionPath)
    expect((await officer.post(`${versionPath}/check`, { checkDays: '1' })).statusCode).toBe(302)
    t.clock.set(new Date('2020-04-22T08:00:00Z'))
    officer = await signedIn('officer')
    await officer.get(`${versionPath}/sign-off`)
    expect((await officer.post(`${versionPath}/sign-off`, { confirm: 'yes' })).statusCode).toBe(302)
    const publicationId = versionPath.split('/')[2]!
    const published = `/published/${publicationId}/versions/1`
    const anyone = new TestClient(t.app)
    const first = (await anyone.get(published)).body
    expect(first).toContain('1.2 Visit homes safely')

    await officer.get(`/action-plan/actions/${ids.ccgAction}/change`)
    const changed = await officer.post(`/action-plan/actions/${ids.ccgAction}/change`, {
      title: 'Visit care homes safely',
      leadOrganisationId: ids.ccg!,
      leadName: 'CCG quality team',
      partners: '',
      'dueDate-day': '',
      'dueDate-month': '',
      'dueDate-year': '',
    })
    expect(changed.statusCode).toBe(302)
    const live = (await officer.get('/action-plan/report')).body
    expect(live).toContain('1.2 Visit care homes safely')
    expect(live).not.toContain('1.2 Visit homes safely')
    // The published version is the record of what was published: frozen, as it is for updates.
    expect((await anyone.get(published)).body).toBe(first)
    // Its correction, a new version, is built from the plan as it stands.
    await officer.get(`/publications/${publicationId}/correct`)
    const correction = await officer.post(`/publications/${publicationId}/correct`, {
      changeNote: 'Action 1.2’s title corrected.',
    })
    expect(correction.statusCode).toBe(302)
    const next = await officer.get(correction.headers.location as string)
    expect(next.body).toContain('1.2 Visit care homes safely')
  })
})
