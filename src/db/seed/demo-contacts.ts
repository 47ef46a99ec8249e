import { base, en, en_GB, Faker } from '@faker-js/faker'
import { addDaysToIsoDate, londonDate, londonInstant } from '../../domain/dates.ts'
import { enquiryDueAt } from '../../modules/enquiries/index.ts'
import type { DbOrTransaction } from '../database.ts'

// The demo county's contact log, enquiries and FAQ: enough for every screen to have something on
// `npm start`. A Faker of its own, so adding this changes no other demo figure.
const contactSeed = 20200402

const contactTopics = [
  {
    category: 'ppe',
    summary: 'Checked gloves and aprons stock after a low return.',
    actions: 'LRF delivery of gloves requested for tomorrow.',
  },
  {
    category: 'staffing',
    summary: 'Manager reports three carers self-isolating.',
    actions: 'Put the home in touch with the staffing bank.',
  },
  {
    category: 'infection_control',
    summary: 'Talked through isolation of two residents with symptoms.',
    actions: 'IPC nurse to visit; testing kits ordered.',
  },
  {
    category: 'finance',
    summary: 'Asked about the 10 % rate uplift and when it will be paid.',
    actions: 'Finance to confirm the payment date by e-mail.',
  },
  { category: 'guidance', summary: 'Went through the latest visiting guidance.', actions: null },
  {
    category: 'safeguarding',
    summary: 'Welfare check arranged for a person whose visits were cancelled.',
    actions: 'Social worker to call the family today.',
  },
  { category: 'other', summary: 'Introduced the new commissioning officer for the area.', actions: null },
] as const

const questions = [
  {
    category: 'ppe',
    question: 'How do we order FFP3 masks from the local store, and is there a charge?',
    answer:
      'Order through the council’s PPE request form. Emergency supplies from the local store are free; routine orders are charged at cost.',
  },
  {
    category: 'finance',
    question: 'Does the 10 % uplift apply to people placed by another council?',
    answer:
      'The uplift applies to placements this council pays for. Ask the placing council about people it funds.',
  },
  {
    category: 'staffing',
    question: 'Can staff who have been in contact with a case keep working if they test negative?',
    answer: 'Follow the current national guidance on self-isolation; the IPC team can advise on your case.',
  },
  {
    category: 'infection_control',
    question: 'How do we book whole-home testing?',
    answer: 'Register through the national testing portal; the IPC team can help if a booking fails.',
  },
  {
    category: 'guidance',
    question: 'Where is the latest guidance on visiting?',
    answer: 'The council’s provider bulletin links to the current visiting guidance each week.',
  },
  {
    category: 'finance',
    question: 'When will the Infection Control Fund payment reach us?',
    answer: 'The first tranche is paid within 10 working days of your signed grant conditions.',
  },
] as const

export async function loadDemoContacts(
  trx: DbOrTransaction,
  now: Date,
): Promise<{ contacts: number; enquiries: number }> {
  const faker = new Faker({ locale: [en_GB, en, base] })
  faker.seed(contactSeed)
  const user = async (email: string) =>
    trx.selectFrom('users').select(['id', 'organisationId']).where('email', '=', email).executeTakeFirst()
  const officer = await user('officer@northmoor.example')
  const nurse = await user('nurse@ipc.northmoor.example')
  const ccg = await user('quality@north-ccg.example')
  const manager = await user('manager@meadowcare.example')
  const council = await trx
    .selectFrom('organisations')
    .select('id')
    .where('kind', '=', 'council')
    .executeTakeFirst()
  if (!officer || !nurse || !ccg || !council) return { contacts: 0, enquiries: 0 }

  const locations = await trx
    .selectFrom('locations')
    .select(['id', 'providerId'])
    .where('status', '=', 'open')
    .orderBy('name')
    .limit(400)
    .execute()
  const picked = faker.helpers.arrayElements(locations, Math.min(40, locations.length))
  const today = londonDate(now)
  const contacts = picked.flatMap((location, i) => {
    const by = [officer, nurse, ccg][i % 3]!
    const topic = faker.helpers.arrayElement(contactTopics)
    const planned = i % 5 === 0
    const dayOffset = planned ? faker.number.int({ min: 0, max: 4 }) : -faker.number.int({ min: 0, max: 20 })
    const contactAt = londonInstant(
      addDaysToIsoDate(today, dayOffset),
      faker.number.int({ min: 9, max: 16 }),
      0,
    )
    const safeContactAt = !planned && contactAt > now ? londonInstant(today, 8, 0) : contactAt
    return [
      {
        locationId: location.id,
        organisationId: by.organisationId,
        officerUserId: by.id,
        spokeTo: faker.helpers.arrayElement([
          'Registered manager',
          'Deputy manager',
          'Nurse in charge',
          null,
        ]),
        method: faker.helpers.arrayElement(['call', 'call', 'email', 'visit', 'video_call'] as const),
        direction: faker.helpers.arrayElement(['outgoing', 'outgoing', 'incoming'] as const),
        category: topic.category,
        state: planned ? ('planned' as const) : ('done' as const),
        contactAt: safeContactAt,
        summary: planned
          ? `Call booked: ${topic.summary.charAt(0).toLowerCase()}${topic.summary.slice(1)}`
          : topic.summary,
        actionsAgreed: planned ? null : topic.actions,
        followUpOn: !planned && topic.actions ? addDaysToIsoDate(londonDate(safeContactAt), 3) : null,
        followUpDoneAt: null,
        // Some safeguarding notes are for council eyes only.
        restricted: by === officer && topic.category === 'safeguarding',
        createdAt: now,
        updatedAt: now,
      },
    ]
  })
  if (contacts.length) await trx.insertInto('contactLogEntries').values(contacts).execute()

  // Enquiries over the last 12 weeks, more of them early on (PPE and finance at first, guidance later).
  const enquiries = []
  for (let week = 11; week >= 0; week--) {
    const count = faker.number.int({ min: 1, max: week > 6 ? 6 : 3 })
    for (let n = 0; n < count; n++) {
      const location = faker.helpers.arrayElement(locations)
      const received = londonInstant(
        addDaysToIsoDate(today, -(week * 7) - faker.number.int({ min: 0, max: 6 })),
        faker.number.int({ min: 8, max: 17 }),
        faker.number.int({ min: 0, max: 59 }),
      )
      const receivedAt = received > now ? now : received
      const dueAt = enquiryDueAt(receivedAt, 2)
      const q = faker.helpers.arrayElement(questions)
      const category =
        week > 6 ? faker.helpers.arrayElement(['ppe', 'finance', q.category] as const) : q.category
      const status =
        week === 0
          ? faker.helpers.arrayElement(['new', 'in_progress'] as const)
          : week === 1
            ? faker.helpers.arrayElement(['new', 'answered'] as const)
            : 'answered'
      const answered = status === 'answered'
      enquiries.push({
        councilId: council.id,
        locationId: location.id,
        providerId: location.providerId,
        channel: faker.helpers.arrayElement(['phone', 'email'] as const),
        category,
        question: q.question,
        askedByUserId: null,
        askedByName: `${faker.person.fullName()}, registered manager`,
        status,
        ownerUserId: answered || status === 'in_progress' ? officer.id : null,
        response: answered ? q.answer : null,
        respondedAt: answered ? new Date(Math.min(now.getTime(), receivedAt.getTime() + 86_400_000)) : null,
        respondedBy: answered ? officer.id : null,
        receivedAt,
        dueAt,
        closedAt: null,
        updatedAt: now,
      })
    }
  }
  // The demo provider manager's own question, not answered yet.
  const own = manager
    ? await trx
        .selectFrom('locations')
        .innerJoin('organisations', 'organisations.providerId', 'locations.providerId')
        .select(['locations.id', 'locations.providerId'])
        .where('organisations.id', '=', manager.organisationId)
        .orderBy('locations.name')
        .executeTakeFirst()
    : undefined
  if (manager && own)
    enquiries.push({
      councilId: council.id,
      locationId: own.id,
      providerId: own.providerId,
      channel: 'web' as const,
      category: 'ppe' as const,
      question: 'Our eye protection runs out next week. Can the local store send visors?',
      askedByUserId: manager.id,
      askedByName: null,
      status: 'new' as const,
      ownerUserId: null,
      response: null,
      respondedAt: null,
      respondedBy: null,
      receivedAt: now,
      dueAt: enquiryDueAt(now, 2),
      closedAt: null,
      updatedAt: now,
    })
  const inserted = await trx
    .insertInto('enquiries')
    .values(enquiries)
    .returning(['id', 'receivedAt', 'channel'])
    .execute()
  await trx
    .insertInto('enquiryEvents')
    .values(
      inserted.map((e) => ({
        enquiryId: e.id,
        kind: 'received',
        details: JSON.stringify({ channel: e.channel, targetWorkingDays: 2 }),
        actorUserId: null,
        occurredAt: e.receivedAt,
      })),
    )
    .execute()
  // Three published FAQ entries, written from answered questions.
  await trx
    .insertInto('faqEntries')
    .values(
      questions.slice(0, 3).map((q) => ({
        councilId: council.id,
        category: q.category,
        question: q.question,
        answer: q.answer,
        sourceEnquiryId: null,
        published: true,
        createdBy: officer.id,
        createdAt: now,
        updatedAt: now,
      })),
    )
    .execute()
  return { contacts: contacts.length, enquiries: inserted.length }
}
