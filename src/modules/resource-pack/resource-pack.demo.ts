import type { DbOrTransaction } from '../../db/database.ts'
import { londonDate } from '../../domain/dates.ts'

// The demo's resource pack (one item past its review date, on the officer's home page) and events: a
// past provider call with sign-ups, attendance and a question, and two to come.
export async function loadDemoResourcePack(trx: DbOrTransaction, now: Date): Promise<number> {
  const officer = await trx
    .selectFrom('users')
    .select(['id', 'organisationId'])
    .where('email', '=', 'officer@northmoor.example')
    .executeTakeFirst()
  const manager = await trx
    .selectFrom('users')
    .select('id')
    .where('email', '=', 'manager@meadowcare.example')
    .executeTakeFirst()
  if (!officer) return 0
  const day = (d: number) => londonDate(new Date(now.getTime() + d * 86_400_000))
  const at = (d: number, hour: number) =>
    new Date(Date.parse(`${day(d)}T${String(hour).padStart(2, '0')}:00:00Z`))
  const items: [string, string, string, number][] = [
    ['ppe', 'Putting on and taking off PPE', 'https://guidance.example/ppe/donning-doffing', 40],
    ['ppe', 'Ordering PPE from the council', 'https://ppe.northmoor.example/order', -2],
    ['infection_control', 'Cleaning after a suspected case', 'https://guidance.example/ipc/cleaning', 30],
    ['testing', 'Whole-home testing: how to book', 'https://testing.example/care-homes', 20],
    [
      'workforce',
      'Redeployed staff: induction checklist',
      'https://northmoor.example/workforce/induction',
      60,
    ],
    ['finance', 'Claiming the infection control fund', 'https://northmoor.example/finance/ic-fund', 45],
    ['wellbeing', 'Support for staff wellbeing', 'https://northmoor.example/wellbeing', 90],
  ]
  const rows = await trx
    .insertInto('resourceItems')
    .values(
      items.map(([category, title]) => ({
        councilId: officer.organisationId,
        category,
        title,
        ownerUserId: officer.id,
        createdAt: at(-30, 9),
      })),
    )
    .returning('id')
    .execute()
  await trx
    .insertInto('resourceVersions')
    .values(
      rows.flatMap((row, i) => {
        const [, title, link, review] = items[i]!
        const v1 = {
          itemId: row.id,
          version: 1,
          link,
          summary: `${title}: first issue.`,
          reviewOn: day(review - 14),
          createdBy: officer.id,
          createdAt: at(-30, 9),
        }
        return i % 2 === 0
          ? [
              v1,
              {
                ...v1,
                version: 2,
                summary: `${title}: updated after the latest national guidance.`,
                reviewOn: day(review),
                createdAt: at(-10, 9),
              },
            ]
          : [{ ...v1, reviewOn: day(review) }]
      }),
    )
    .execute()
  const events = await trx
    .insertInto('careEvents')
    .values([
      {
        councilId: officer.organisationId,
        kind: 'provider_call',
        title: 'Weekly provider call',
        startsAt: at(-3, 13),
        audience: 'All providers',
        createdAt: at(-10, 9),
      },
      {
        councilId: officer.organisationId,
        kind: 'provider_call',
        title: 'Weekly provider call',
        startsAt: at(4, 13),
        audience: 'All providers',
        createdAt: at(-3, 9),
      },
      {
        councilId: officer.organisationId,
        kind: 'qa_session',
        title: 'Testing: questions and answers',
        startsAt: at(8, 10),
        audience: 'Care home managers',
        createdAt: at(-1, 9),
      },
    ])
    .returning('id')
    .execute()
  if (manager) {
    await trx
      .insertInto('careEventSignups')
      .values({ eventId: events[0]!.id, userId: manager.id, signedUpAt: at(-5, 9), attended: true })
      .execute()
  }
  await trx
    .insertInto('careEventQuestions')
    .values({
      eventId: events[0]!.id,
      question: 'Can we reuse visors between residents?',
      answer: 'Yes, if they are cleaned as the guidance says between each use.',
      createdAt: at(-3, 14),
    })
    .execute()
  return rows.length
}
