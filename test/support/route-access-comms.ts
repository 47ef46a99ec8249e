import { randomBytes } from 'node:crypto'
import type { Services } from '../../src/composition.ts'
import type { Db } from '../../src/db/database.ts'
import { progressReport } from '../../src/modules/action-plan/progress-report.ts'
import { everyone } from '../../src/modules/bulletins/domain/audience.ts'
import { defaultSuppressionRule, publishVersion } from '../../src/modules/publishing/index.ts'
import { parseQuestions } from '../../src/modules/surveys/domain/survey.rules.ts'
import type { RecordKind } from '../../src/web/route-access.ts'
import { actorFor } from './actors.ts'
import type { Made, Sides } from './route-access-money.ts'

// The route-table suite's communications and planning records (test/support/route-access-world.ts),
// each a council's, made for the world's two councils through the capabilities' own services where
// they make them: a survey, a draft bulletin with a file and a sent one, an event with a question, a
// resource, a training offer, publications (a draft, one being checked with a provider's challenge, a
// published one) and an action plan's area and action. Another provider in the same council has none
// of its own: these are the council's.

const day = new Date('2020-04-14T08:00:00Z')

function ok<T>(made: { ok: true; value: T } | { ok: false; errors: unknown } | null, what: string): T {
  if (!made?.ok) throw new Error(`could not make ${what}: ${JSON.stringify(made)}`)
  return made.value
}
const made = <T>(value: T | null, what: string): T => {
  if (value === null) throw new Error(`could not make ${what}`)
  return value
}

export async function commsRecords(db: Db, services: Services, sides: Sides): Promise<Made> {
  const result: Made = {}
  const put = (kind: RecordKind, name: string, params: Record<string, string>) => {
    result[name] = { ...result[name], [kind]: params }
  }
  for (const kind of ['own', 'otherCouncil'] as const) {
    const s = sides[kind]
    const officer = await actorFor(db, s.councilUser)
    const parsed = parseQuestions('number: How many staff are off sick?')
    if ('error' in parsed) throw new Error(parsed.error)
    const survey = made(
      await services.surveys.create(
        officer,
        { title: 'Staffing', questions: parsed.questions, opensOn: '2020-04-01', closesOn: '2020-05-01' },
        everyone,
      ),
      'a survey',
    )
    put(kind, 'survey', { id: survey.id, n: '1' })

    const draft = made(
      await services.bulletins.draft(officer, { title: 'PPE update', body: 'Gloves are in.' }, everyone),
      'a bulletin',
    )
    const file = await db
      .insertInto('bulletinAttachments')
      .values({
        bulletinId: draft.id,
        fileName: 'guide.pdf',
        contentType: 'application/pdf',
        sizeBytes: 8,
        content: Buffer.from('%PDF-1.4'),
        addedBy: s.councilUser,
        addedAt: day,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    put(kind, 'bulletin', { id: draft.id, attachmentId: file.id })
    const sent = made(
      await services.bulletins.draft(officer, { title: 'Visiting', body: 'No visits.' }, everyone),
      'a bulletin',
    )
    // Sent to every user of the side's provider (the suite's provider manager among them).
    const readers = await db
      .selectFrom('users')
      .select(['id', 'email'])
      .where('organisationId', '=', s.providerOrg)
      .execute()
    const readToken = randomBytes(32).toString('hex')
    await db
      .insertInto('bulletinRecipients')
      .values(
        readers.map((u, i) => ({
          bulletinId: sent.id,
          userId: u.id,
          providerId: s.provider,
          email: u.email,
          readToken: i === 0 ? readToken : randomBytes(32).toString('hex'),
          queuedAt: day,
          resentAt: null,
          readAt: null,
          readBy: null,
        })),
      )
      .execute()
    await db
      .updateTable('bulletins')
      .set({ status: 'sent', sentAt: day, recipientCount: readers.length })
      .where('id', '=', sent.id)
      .execute()
    put(kind, 'bulletinSent', { id: sent.id })
    // The link in the e-mail is its own secret: whoever holds it reads that one bulletin.
    if (kind === 'own') put(kind, 'bulletinReadLink', { token: readToken })

    const event = made(
      await services.events.create(officer, {
        title: 'Provider call',
        kind: 'provider_call',
        startsAt: new Date('2020-04-20T13:00:00Z'),
        audience: 'Care home managers',
      }),
      'an event',
    )
    const question = ok(
      await services.events.addQuestion(officer, event.id, 'Where are the visors?', 'At the store'),
      'a question',
    )
    put(kind, 'event', { id: event.id, questionId: question.id })
    const resource = ok(
      await services.resources.add(officer, {
        title: 'Donning and doffing',
        category: 'ppe',
        link: 'https://example.org/ppe-guide',
        summary: 'How to put on and take off PPE',
        reviewOn: '2020-10-01',
      }),
      'a resource',
    )
    put(kind, 'resource', { id: resource.id })

    const offer = ok(
      await services.training.addOffer(officer, {
        kind: 'ipc_course',
        title: 'IPC for care homes',
        deliveredBy: 'IPC team',
        'startDate-day': '20',
        'startDate-month': '4',
        'startDate-year': '2020',
        'endDate-day': '',
        'endDate-month': '',
        'endDate-year': '',
        capacity: '20',
        cost: '',
      }),
      'a training offer',
    )
    put(kind, 'trainingOffer', { id: offer.id })

    const area = ok(
      await services.actionPlan.addArea(officer, {
        title: 'Infection control',
        aim: 'Fewer outbreaks',
        objectives: 'Train every home',
      }),
      'an area',
    )
    const action = ok(
      await services.actionPlan.addAction(officer, {
        areaId: area.id,
        title: 'Run IPC courses',
        leadOrganisationId: s.council,
        leadName: 'IPC lead',
        partners: '',
        'dueDate-day': '1',
        'dueDate-month': '6',
        'dueDate-year': '2020',
        rag: 'amber',
        measureKeys: [],
      }),
      'an action',
    )
    put(kind, 'planArea', { id: area.id })
    put(kind, 'planAction', { id: action.id })

    const start = async () =>
      ok(await services.publishing.start(officer, progressReport.kind), 'a publication')
    const publicationDraft = await start()
    put(kind, 'publicationDraft', { id: publicationDraft.id, version: '1' })
    const checking = await start()
    ok(await services.publishing.startCheck(officer, checking.id, '1', '5'), 'a check')
    const version = await db
      .selectFrom('publicationVersions')
      .select('id')
      .where('publicationId', '=', checking.id)
      .executeTakeFirstOrThrow()
    const challenge = await db
      .insertInto('publicationChallenges')
      .values({
        versionId: version.id,
        providerId: s.provider,
        figure: 'People trained',
        reason: 'We trained 12',
        raisedBy: s.manager,
        raisedAt: day,
        resolution: null,
        resolvedBy: null,
        resolvedAt: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    put(kind, 'publicationChecking', { id: checking.id, version: '1', challengeId: challenge.id })
    const published = await start()
    const publishedVersion = await db
      .selectFrom('publicationVersions')
      .select('id')
      .where('publicationId', '=', published.id)
      .executeTakeFirstOrThrow()
    await db.transaction().execute((trx) =>
      publishVersion(trx, {
        kind: progressReport,
        councilId: s.council,
        versionId: publishedVersion.id,
        publicationId: published.id,
        version: 1,
        changeNote: null,
        at: day,
        signedOff: { userId: s.councilUser, name: 'A named officer' },
        baseUrl: '',
        rule: defaultSuppressionRule,
      }),
    )
    put(kind, 'publicationPublished', { id: published.id, version: '1' })
  }
  // A measure is the same for every council, read for the reader's own.
  put('own', 'measure', { key: 'ipc-training-answered' })
  return result
}
