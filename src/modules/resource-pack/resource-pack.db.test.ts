import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createLocation,
  createOrganisation,
  createProvider,
  createUser,
} from '../../../test/support/factories.ts'
import { buildTestApp, type TestApp, TestClient } from '../../../test/support/test-app.ts'
import { engines } from '../../../test/support/test-database.ts'
import { flagResourcesDue } from './resources.service.ts'

describe.each(engines)('the resource pack and events on %s', (engine) => {
  let t: TestApp
  const emails: Record<string, string> = {}

  beforeAll(async () => {
    t = await buildTestApp(engine)
    const db = t.database.db
    const council = await createOrganisation(db, 'council', 'Pack Council', { onsCode: 'E10000093' })
    emails.owner = (await createUser(db, council, 'council_officer')).email
    emails.other = (await createUser(db, council, 'council_officer')).email
    const provider = await createProvider(db, 'Pack provider')
    const org = await createOrganisation(db, 'provider', 'Pack provider', { providerId: provider })
    await createLocation(db, provider, council)
    emails.manager = (await createUser(db, org, 'provider_manager')).email
    const outsider = await createProvider(db, 'Elsewhere provider')
    const outsiderOrg = await createOrganisation(db, 'provider', 'Elsewhere provider', {
      providerId: outsider,
    })
    emails.outsider = (await createUser(db, outsiderOrg, 'provider_manager')).email
  })
  afterAll(async () => {
    await t?.close()
  })

  async function signedIn(who: string) {
    const client = new TestClient(t.app)
    await client.signIn(emails[who]!)
    return client
  }

  it('shows the current version, and lists items past review to their owner once the clock passes it', async () => {
    const owner = await signedIn('owner')
    await owner.get('/resources/new')
    const bad = await owner.post('/resources/new', { title: '', link: 'javascript:alert(1)' })
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('Enter a web address in the correct format')
    const review = { 'reviewOn-day': '30', 'reviewOn-month': '4', 'reviewOn-year': '2020' }
    const added = await owner.post('/resources/new', {
      title: 'Putting on and taking off PPE',
      category: 'ppe',
      link: 'https://guidance.example/ppe-v1.pdf',
      summary: 'The first guide',
      ...review,
    })
    expect(added.statusCode).toBe(302)
    const id = added.headers.location!.split('/')[2]!
    await owner.get(`/resources/${id}`)
    await owner.post(`/resources/${id}/versions`, {
      link: 'https://guidance.example/ppe-v2.pdf',
      summary: 'The second guide',
      ...review,
    })
    const manager = await signedIn('manager')
    const seen = (await manager.get(`/resources/${id}`)).body
    expect(seen).toContain('ppe-v2.pdf')
    expect(seen).not.toContain('ppe-v1.pdf')
    expect((await (await signedIn('outsider')).get(`/resources/${id}`)).statusCode).toBe(404)

    expect(await flagResourcesDue(t.database.db, t.clock, 'http://carehub.test')).toBe(0)
    t.clock.set(new Date('2020-05-01T09:00:00Z'))
    expect(await flagResourcesDue(t.database.db, t.clock, 'http://carehub.test')).toBe(1)
    expect(await flagResourcesDue(t.database.db, t.clock, 'http://carehub.test')).toBe(0)
    const mail = await t.database.db
      .selectFrom('outboxMessages')
      .selectAll()
      .where('kind', '=', 'resource-review')
      .execute()
    expect(mail.map((m) => m.toAddress)).toEqual([emails.owner])
    const home = (await (await signedIn('owner')).get('/')).body
    expect(home).toContain('Resources due for review')
    expect(home).toContain('Putting on and taking off PPE')
    expect((await (await signedIn('other')).get('/')).body).not.toContain('Resources due for review')
  })

  it('records sign-ups and attendance, and turns a question asked into an FAQ entry', async () => {
    const owner = await signedIn('owner')
    await owner.get('/events/new')
    const created = await owner.post('/events/new', {
      title: 'Weekly provider call',
      kind: 'provider_call',
      'startsOn-day': '10',
      'startsOn-month': '5',
      'startsOn-year': '2020',
      startsTime: '14:00',
      audience: 'All care home managers',
    })
    expect(created.statusCode).toBe(302)
    const id = created.headers.location!.split('/')[2]!
    const manager = await signedIn('manager')
    await manager.get(`/events/${id}`)
    expect((await manager.post(`/events/${id}/sign-up`, {})).statusCode).toBe(302)
    expect((await manager.get('/events')).body).toContain('Signed up')

    const page = (await owner.get(`/events/${id}`)).body
    expect(page).toContain('<span id="signup-count">1</span>')
    const userId = /name="attended" type="checkbox" value="([0-9a-f-]{36})"/.exec(page)![1]!
    await owner.post(`/events/${id}/attendance`, { attended: userId })
    const signup = await t.database.db
      .selectFrom('careEventSignups')
      .selectAll()
      .where('eventId', '=', id)
      .execute()
    expect(signup).toMatchObject([{ userId, attended: true }])

    await owner.post(`/events/${id}/questions`, {
      question: 'Can agency staff be tested?',
      answer: 'Yes, through the portal.',
    })
    const withQuestion = (await owner.get(`/events/${id}`)).body
    const questionId = /\/questions\/([0-9a-f-]{36})\/faq/.exec(withQuestion)![1]!
    const wrong = await owner.post(`/events/${id}/questions/${questionId}/faq`, {
      category: '',
      question: 'x',
      answer: 'y',
    })
    expect(wrong.statusCode).toBe(400)
    const toFaq = await owner.post(`/events/${id}/questions/${questionId}/faq`, {
      category: 'infection_control',
      question: 'Can agency staff be tested?',
      answer: 'Yes, through the portal.',
    })
    expect(toFaq.headers.location).toContain('faq=1')
    expect((await manager.get('/faq')).body).toContain('Can agency staff be tested?')
  })
})
