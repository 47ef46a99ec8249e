import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { setUpActionPlan } from '../../../test/support/action-plan-world.ts'
import { actorFor as loadActorOf } from '../../../test/support/actors.ts'
import { type TestApp, TestClient } from '../../../test/support/test-app.ts'
import { engines } from '../../../test/support/test-database.ts'
import { measureByKey } from '../action-plan/index.ts'

describe.each(engines)('training: uptake, licences and feedback on %s', (engine) => {
  let t: TestApp
  const ids: Record<string, string> = {}
  const emails: Record<string, string> = {}
  beforeAll(async () => {
    t = await setUpActionPlan(engine, ids, emails)
  })
  afterAll(async () => {
    await t?.close()
  })
  const actor = (key: string) => loadActorOf(t.database.db, ids[key]!)
  const count = async (table: 'trainingUptake' | 'trainingLicences' | 'trainingFeedback') =>
    Number(
      (
        await t.database.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    )

  it('imports the learning platform’s CSV, refusing a bad file whole with its rows and columns named', async () => {
    const officer = new TestClient(t.app)
    await officer.signIn(emails.officer!)
    await officer.get(`/training/offers/${ids.elearning}`)
    const bad = await officer.postMultipart(
      `/training/offers/${ids.elearning}/licences`,
      {},
      {
        field: 'licenceFile',
        fileName: 'bad.csv',
        content: Buffer.from('Organisation,Licences issued,Courses taken\nPlan Provider 00,12,x\n,3,4\n'),
      },
    )
    expect(bad.statusCode).toBe(400)
    // A viewer reads the offer but imports nothing: refused before the file is read, even an empty one.
    const viewer = new TestClient(t.app)
    await viewer.signIn(emails.viewer!)
    await viewer.get(`/training/offers/${ids.elearning}`)
    const empty = { field: 'licenceFile', fileName: 'empty.csv', content: Buffer.alloc(0) }
    expect(
      (await viewer.postMultipart(`/training/offers/${ids.elearning}/licences`, {}, empty)).statusCode,
    ).toBe(404)
    expect(bad.body).toContain('Row 2, column “Courses taken”: must be a whole number, like 12')
    expect(bad.body).toContain('Row 3, column “Organisation”: enter the organisation’s name')
    expect(await count('trainingLicences')).toBe(0)
    const csv = [
      'Organisation,Licences issued,Courses taken',
      ...Array.from(
        { length: 10 },
        (_, i) =>
          `Plan Provider ${String(i).padStart(2, '0')},${100 + i},"${(600 + i * 10).toLocaleString('en-GB')}"`,
      ),
      'A carers’ organisation,9,41',
    ].join('\n')
    const good = await officer.postMultipart(
      `/training/offers/${ids.elearning}/licences`,
      {},
      { field: 'licenceFile', fileName: 'platform.csv', content: Buffer.from(csv) },
    )
    expect(good.statusCode).toBe(302)
    expect(await count('trainingLicences')).toBe(11)
    const at = t.clock.now()
    const licences = await measureByKey.get('elearning-licences')!.compute(t.database.db, ids.council!, at)
    expect(licences.numerator).toBe(1045 + 9)
    const courses = await measureByKey.get('elearning-courses')!.compute(t.database.db, ids.council!, at)
    expect(courses.numerator).toBe(6000 + 450 + 41)
  })

  it('records uptake for ten providers and feedback; the measures equal hand counts', async () => {
    const partner = new TestClient(t.app)
    await partner.signIn(emails.partner!)
    await partner.get(`/training/offers/${ids.ipcOffer}`)
    const before = await count('trainingUptake')
    const refused = await partner.post(`/training/offers/${ids.ipcOffer}/uptake`, {
      providerId: ids.provider0!,
      status: 'declined',
      declineReason: '',
      attendees: 'many',
    })
    expect(refused.statusCode).toBe(400)
    expect(refused.body).toContain('Enter why the provider declined')
    expect(refused.body).toContain('Attendees must be a whole number, like 12')
    expect(await count('trainingUptake')).toBe(before)
    // Another council's offer is not found.
    expect((await partner.get(`/training/offers/${ids.otherOffer}`)).statusCode).toBe(404)

    const training = t.services.training
    const who = await actor('partner')
    const start = t.clock.now()
    const record = async (
      i: number,
      status: string,
      extra: { declineReason?: string; attendees?: string } = {},
    ) => {
      t.clock.advanceMinutes(1)
      const r = await training.recordUptake(who, ids.ipcOffer!, {
        providerId: ids[`provider${i}`]!,
        status,
        declineReason: extra.declineReason ?? '',
        attendees: extra.attendees ?? '',
      })
      expect(r?.ok, JSON.stringify(r)).toBe(true)
    }
    for (let i = 0; i < 10; i++) await record(i, 'offered')
    // Hand count: 0–5 accepted (0–3 delivered, 3 attended each), 6–7 declined with reasons, 8–9 no answer.
    for (let i = 0; i < 6; i++) await record(i, 'accepted')
    for (let i = 0; i < 4; i++) await record(i, 'delivered', { attendees: '3' })
    await record(6, 'declined', { declineReason: 'Staff shortages' })
    await record(7, 'declined', { declineReason: 'Our own trainer' })
    const uptake = await partner.post(`/training/offers/${ids.ipcOffer}/uptake`, {
      providerId: ids.provider5!,
      status: 'booked',
      declineReason: '',
      attendees: '2',
    })
    expect(uptake.statusCode).toBe(302)

    // Feedback: 12 forms, 11 rating the trainer good or excellent, 12 responsive, 10 knowledge increased.
    const ratings = [
      'excellent',
      'good',
      'good',
      'excellent',
      'good',
      'excellent',
      'good',
      'excellent',
      'good',
      'good',
      'excellent',
      'fair',
    ]
    for (const [i, rating] of ratings.entries()) {
      const r = await training.recordFeedback(who, ids.ipcOffer!, {
        trainerKnowledge: rating,
        responsive: 'yes',
        knowledgeIncreased: i < 10 ? 'yes' : 'no',
      })
      expect(r?.ok).toBe(true)
    }
    const refusedFeedback = await partner.post(`/training/offers/${ids.ipcOffer}/feedback`, {})
    expect(refusedFeedback.statusCode).toBe(400)
    expect(refusedFeedback.body).toContain('Select how the attendee rated the trainer’s knowledge')
    expect(await count('trainingFeedback')).toBe(12)

    const at = t.clock.now()
    const compute = (key: string) => measureByKey.get(key)!.compute(t.database.db, ids.council!, at)
    const answered = await compute('ipc-training-answered')
    expect([answered.numerator, answered.denominator]).toEqual([8, 10])
    expect(answered.shown).toBe('80% (8 of 10)')
    const good = await compute('trainer-rated-good')
    expect([good.numerator, good.denominator]).toEqual([11, 12])
    expect(good.shown).toBe('92% (11 of 12)')
    expect((await compute('knowledge-increased')).shown).toBe('83% (10 of 12)')
    expect((await compute('ipc-training-attendees')).numerator).toBe(12)
    // The records behind a measure: one row per provider offered, declines with their reasons.
    expect(answered.records.rows).toHaveLength(10)
    // (Both providers' names are generated, so their order is the test's to set.)
    expect(
      answered.records.rows
        .filter((r) => r[2] === 'Declined')
        .map((r) => r[3])
        .sort(),
    ).toEqual(['Our own trainer', 'Staff shortages'])
    // As it stood earlier: before any answer, no provider had answered.
    const earlier = await measureByKey
      .get('ipc-training-answered')!
      .compute(t.database.db, ids.council!, start)
    expect(earlier.denominator).toBe(0)
    const audits = await t.database.db
      .selectFrom('auditEvents')
      .select('action')
      .where('action', 'like', 'training-%')
      .execute()
    expect(audits.length).toBe(1 + 10 + 6 + 4 + 2 + 1 + 12)
  })
})
