import type { Transaction } from 'kysely'
import type { Database } from '../../db/schema.ts'
import { addDaysToIsoDate, londonDate } from '../../domain/dates.ts'
import { defaultSuppressionRule, publishVersion } from '../publishing/index.ts'
import { loadDemoTraining } from '../training/index.ts'
import type { PlanRag } from './action-plan.tables.ts'
import { progressReport, progressReportKind } from './progress-report.ts'

const day = 24 * 60 * 60 * 1000
type Orgs = Record<'council' | 'ccgNorth' | 'ccgSouth' | 'ipc' | 'healthwatch' | 'regulator', string>

// [title, lead organisation, lead in words, partners, measures]
type ActionSeed = [string, keyof Orgs, string, string | null, string[]]
const plan: { title: string; aim: string; objectives: string[]; actions: ActionSeed[] }[] = [
  {
    title: 'Safe and personalised care',
    aim: 'Care stays safe and meets each person’s needs throughout the emergency.',
    objectives: [
      'Keep quality and safety under watch',
      'Carry on safeguarding as the Care Act requires',
      'Hear from the people who use services',
    ],
    actions: [
      [
        'Keep watch on quality and safety in every service',
        'council',
        'Quality and safeguarding leads',
        'CQC, Healthwatch Northmoor',
        ['locations-reporting-today'],
      ],
      [
        'Gather and answer feedback from people who use services',
        'healthwatch',
        'Healthwatch Northmoor',
        'All partners',
        [],
      ],
      [
        'Carry on safeguarding through existing routes',
        'council',
        'Safeguarding leads',
        null,
        ['welfare-checks-completed'],
      ],
      [
        'Make sure residents and families can raise concerns',
        'regulator',
        'Care Quality Commission',
        'Healthwatch Northmoor',
        [],
      ],
      [
        'Support services to visit safely when it is right to',
        'council',
        'Commissioned services team',
        'CCGs',
        [],
      ],
    ],
  },
  {
    title: 'Provider workforce resilience',
    aim: 'Providers keep enough staff to care safely, now and after the emergency.',
    objectives: ['Respond to critical staffing gaps', 'Support staff wellbeing', 'Help providers recruit'],
    actions: [
      [
        'Respond when a provider reports a critical staffing gap',
        'council',
        'Commissioned services team',
        'CCGs',
        ['locations-reporting-today'],
      ],
      ['Keep emergency staffing in reserve', 'council', 'Commissioned services team', null, []],
      [
        'Offer wellbeing resources to care staff',
        'council',
        'Learning and development team',
        'Care association',
        [],
      ],
      [
        'Promote the national recruitment campaign locally',
        'council',
        'Learning and development team',
        'Jobcentre Plus',
        [],
      ],
      [
        'Bring returning NHS staff into social care',
        'ccgNorth',
        'NHS Northmoor North CCG workforce lead',
        null,
        [],
      ],
      [
        'Offer free e-learning to the whole sector',
        'council',
        'Learning and development team',
        'Learning platform',
        ['elearning-licences', 'elearning-courses'],
      ],
    ],
  },
  {
    title: 'Clinical support to care homes',
    aim: 'Every care home gets the clinical advice its residents need.',
    objectives: [
      'A named clinician for every home',
      'Use digital tools for safe care',
      'Personalised care plans for residents',
    ],
    actions: [
      [
        'Give every care home a named clinician',
        'ccgNorth',
        'Director of commissioning',
        'NHS Northmoor South CCG',
        [],
      ],
      ['Roll out remote monitoring and video consultations', 'ccgSouth', 'Digital lead', null, []],
      ['Develop personalised care plans with residents', 'ccgNorth', 'Director of commissioning', null, []],
      ['Co-ordinate testing priorities for care homes', 'council', 'Director of public health', null, []],
    ],
  },
  {
    title: 'Preventing the spread of infection',
    aim: 'Testing, protective equipment and good infection control practice in every service.',
    objectives: [
      'Clear guidance on protective equipment',
      'Infection control training for every care home',
      'Support the outbreak plan',
    ],
    actions: [
      ['Give clear guidance on protective equipment', 'council', 'PPE workstream', null, []],
      [
        'Make sure providers can get protective equipment',
        'council',
        'PPE workstream',
        'County supplies',
        ['ppe-delivered-within-24-hours'],
      ],
      [
        'Deliver IPC training to every care home, including train-the-trainer',
        'ipc',
        'Northmoor IPC team',
        'CCGs',
        [
          'ipc-training-answered',
          'ipc-training-attendees',
          'trainer-rated-good',
          'trainer-responsive',
          'knowledge-increased',
        ],
      ],
      ['Support the national testing plan for care homes', 'council', 'Public health', null, []],
      ['Support the local outbreak control plan', 'ipc', 'Northmoor IPC team', 'Public health', []],
      [
        'Offer IPC e-learning to all providers',
        'council',
        'Learning and development team',
        null,
        ['elearning-licences'],
      ],
      ['Run a seven-day IPC advice service', 'ipc', 'Northmoor IPC team', 'CCGs', []],
    ],
  },
  {
    title: 'Financial resilience',
    aim: 'Funds are allocated fairly and openly, and support is kept under review.',
    objectives: [
      'Pass on infection control funding',
      'Plan for the market’s future',
      'Fair access to protective equipment',
    ],
    actions: [
      [
        'Pass infection control funding on to providers',
        'council',
        'Finance team',
        null,
        ['grant-passed-on-in-time'],
      ],
      ['Review fee uplifts and payment timing', 'council', 'Commissioning', 'CCGs', []],
      ['Assess the market’s financial sustainability', 'council', 'Commissioning', null, []],
      ['Keep protective equipment prices fair', 'council', 'PPE workstream', null, []],
    ],
  },
  {
    title: 'Effective engagement',
    aim: 'Providers find up-to-date information in one place, in formats they can use.',
    objectives: [
      'Consistent messages across partners',
      'Track and answer providers’ questions',
      'One place for information',
    ],
    actions: [
      ['Agree joint messages across partners', 'council', 'Communications team', 'CCGs, IPC team', []],
      ['Answer providers’ questions and watch for trends', 'council', 'Provider support team', null, []],
      ['Keep one web page of information for providers', 'council', 'Communications team', null, []],
      [
        'Hold regular question-and-answer sessions',
        'ipc',
        'Northmoor IPC team',
        null,
        ['locations-reporting-today'],
      ],
    ],
  },
]

const rounds = [
  { daysAgo: 70, period: 'First update', rag: 'amber' as PlanRag },
  { daysAgo: 42, period: 'Second update', rag: 'green' as PlanRag },
  { daysAgo: 14, period: 'Third update', rag: 'green' as PlanRag },
]

// The demo county's plan: six areas, thirty actions, three rounds of updates, the training its
// measures read, and the progress report: published, corrected (version 2), and a further version
// whose providers' check has ended (one challenge, resolved), ready for sign-off.
export async function loadDemoActionPlan(
  trx: Transaction<Database>,
  now: Date,
  organisations: Record<string, string>,
) {
  const orgs = organisations as Orgs
  const councilId = orgs.council
  const at = (daysAgo: number) => new Date(now.getTime() - daysAgo * day)
  const today = londonDate(now)
  await loadDemoTraining(trx, now, councilId)
  const areas = await trx
    .insertInto('planAreas')
    .values(
      plan.map((a, i) => ({
        councilId,
        number: i + 1,
        title: a.title,
        aim: a.aim,
        objectives: JSON.stringify(a.objectives),
        createdAt: at(90),
      })),
    )
    .returning(['id', 'number'])
    .execute()
  const actionRows = plan.flatMap((area, i) =>
    area.actions.map(([title, lead, leadName, partners, keys], j) => ({
      areaId: areas.find((a) => a.number === i + 1)!.id,
      position: j + 1,
      title,
      leadOrganisationId: orgs[lead],
      leadName,
      partners,
      dueOn: addDaysToIsoDate(today, 30 + ((i * 7 + j * 11) % 120)),
      rag: ((i + j) % 7 === 3 ? 'amber' : (i + j) % 11 === 5 ? 'red' : 'green') as PlanRag,
      measureKeys: JSON.stringify(keys),
      createdAt: at(90),
      updatedAt: at(14),
    })),
  )
  const actions = await trx.insertInto('planActions').values(actionRows).returning(['id', 'title']).execute()
  await trx
    .insertInto('planActionUpdates')
    .values(
      rounds.flatMap((round, r) =>
        actions.map((a, k) => ({
          actionId: a.id,
          period: round.period,
          doneThisPeriod: `${round.period}: work on “${a.title.toLowerCase()}” ${['started with partners', 'continued as planned', 'reached most providers'][r]}.`,
          stillToDo: [
            'Agree the approach with partners.',
            'Reach the remaining providers.',
            'Review what worked and keep it going.',
          ][r]!,
          rag: k % 9 === 4 && r < 2 ? 'amber' : round.rag,
          writtenBy: null,
          writtenByName: 'Demo lead',
          writtenAt: at(round.daysAgo),
        })),
      ),
    )
    .execute()

  // The progress report: version 1 after the first round, a correction, and version 3 ready to sign off.
  const { id: publicationId } = await trx
    .insertInto('publications')
    .values({
      councilId,
      kind: progressReportKind,
      title: progressReport.name,
      createdBy: null,
      createdAt: at(66),
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  const version = async (n: number, changeNote: string | null, startedDaysAgo: number, closesOn: string) =>
    (
      await trx
        .insertInto('publicationVersions')
        .values({
          publicationId,
          version: n,
          status: 'checking',
          changeNote,
          checkDays: 5,
          checkStartedAt: at(startedDaysAgo),
          checkClosesOn: closesOn,
          content: null,
          html: null,
          docx: null,
          csv: null,
          createdBy: null,
          createdAt: at(startedDaysAgo),
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id
  const publish = async (versionId: string, n: number, changeNote: string | null, daysAgo: number) =>
    publishVersion(trx, {
      kind: progressReport,
      councilId,
      versionId,
      publicationId,
      version: n,
      changeNote,
      at: at(daysAgo),
      signedOff: { userId: null, name: 'Priya Shah' },
      baseUrl: '',
      rule: defaultSuppressionRule,
    })
  const v1 = await version(1, null, 66, addDaysToIsoDate(today, -59))
  await publish(v1, 1, null, 56)
  const note2 = 'Version 1 missed the train-the-trainer attendees recorded late; they are now included.'
  const v2 = await version(2, note2, 52, addDaysToIsoDate(today, -45))
  await publish(v2, 2, note2, 40)
  const v3 = await version(
    3,
    'Brings the report up to date with the third round of updates.',
    10,
    addDaysToIsoDate(today, -1),
  )
  const provider = await trx
    .selectFrom('trainingUptake')
    .select('providerId')
    .orderBy('recordedAt')
    .limit(1)
    .executeTakeFirstOrThrow()
  await trx
    .insertInto('publicationChallenges')
    .values({
      versionId: v3,
      providerId: provider.providerId,
      figure: 'Infection prevention and control for care homes: status',
      reason: 'We had the course delivered last month; it still shows as accepted.',
      raisedBy: null,
      raisedAt: at(8),
      resolution:
        'Checked with the IPC team: the delivery had been recorded late, and the figure is now right.',
      resolvedBy: null,
      resolvedAt: at(6),
    })
    .execute()
  await trx
    .insertInto('publicationEvents')
    .values(
      [
        [v1, 'check_started', {}, 66],
        [v2, 'correction_started', { changeNote: note2, corrects: 1 }, 52],
        [v3, 'correction_started', { changeNote: 'Brings the report up to date.', corrects: 2 }, 10],
        [v3, 'check_started', { closesOn: addDaysToIsoDate(today, -1), days: 5 }, 10],
        [
          v3,
          'challenge_raised',
          { figure: 'IPC training status', reason: 'Delivered, not just accepted.' },
          8,
        ],
        [
          v3,
          'challenge_resolved',
          { figure: 'IPC training status', resolution: 'Delivery had been recorded late; now right.' },
          6,
        ],
      ].map(([versionId, kind, details, daysAgo]) => ({
        versionId: versionId as string,
        kind: kind as string,
        details: JSON.stringify(details),
        actorUserId: null,
        occurredAt: at(daysAgo as number),
      })),
    )
    .execute()
  return { actions: actions.length, publicationId }
}
