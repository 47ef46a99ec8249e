import type { Db } from '../../db/database.ts'
import type {
  Block,
  Figure,
  NamedProvider,
  PublicationContent,
  PublicationKind,
} from '../publishing/index.ts'
import {
  ipcTrainingAttendees,
  ipcTrainingResponses,
  trainingKindNames,
  trainingOffersOf,
  uptakeStatusNames,
} from '../training/index.ts'
import { actionsOf, areasOf, latestUpdatesAt } from './action-plan.repository.ts'
import { measureByKey } from './measures.ts'

// The action plan's progress report, in the shape councils wrote by hand: the strategic areas, each
// area's key objectives, and per action what was said, what was done this period, what is still to do
// and who leads, with each linked measure's value inserted with its time and definition. Built from
// the data as it stood at `at` (a published version is built at its publication time).

export const progressReportKind = 'action-plan-progress-report'

export async function buildProgressReport(db: Db, councilId: string, at: Date): Promise<PublicationContent> {
  const areas = await areasOf(db, councilId)
  const actions = await actionsOf(db, councilId)
  const updates = new Map((await latestUpdatesAt(db, councilId, at)).map((u) => [u.actionId, u]))
  const asAt = at.toISOString()
  const figures = new Map<string, Figure>()
  const figure = async (key: string) => {
    const known = figures.get(key)
    if (known) return known
    const measure = measureByKey.get(key)
    if (!measure) return null
    const result = await measure.compute(db, councilId, at)
    const made: Figure = {
      key,
      name: measure.name,
      shown: result.shown,
      asAt,
      definition: measure.definition,
    }
    figures.set(key, made)
    return made
  }

  const blocks: Block[] = [
    { type: 'heading', level: 2, text: 'Strategic areas of focus' },
    { type: 'list', items: areas.map((a) => `${a.number}. ${a.title}`) },
  ]
  for (const area of areas) {
    blocks.push(
      { type: 'heading', level: 2, text: `Area ${area.number}: ${area.title}` },
      { type: 'paragraph', text: area.aim },
      { type: 'heading', level: 3, text: 'Key objectives' },
      { type: 'list', items: area.objectives },
    )
    const rows = []
    for (const action of actions.filter((a) => a.areaId === area.id)) {
      const update = updates.get(action.id)
      const found = []
      for (const key of action.measureKeys) {
        const f = await figure(key)
        if (f) found.push(f)
      }
      rows.push({
        action: { text: `${area.number}.${action.position} ${action.title}` },
        update: { text: update?.doneThisPeriod ?? 'No update yet.', figures: found },
        stillToDo: { text: update?.stillToDo ?? '' },
        lead: {
          text: [action.leadName, action.partners ? `With ${action.partners}` : '']
            .filter(Boolean)
            .join('\n'),
        },
      })
    }
    blocks.push({
      type: 'table',
      caption: `Actions for area ${area.number}`,
      columns: [
        { key: 'action', label: 'What we said we needed to do' },
        { key: 'update', label: 'Update on this action' },
        { key: 'stillToDo', label: 'What we still need to do' },
        { key: 'lead', label: 'Who is taking the lead' },
      ],
      rows,
    })
  }

  // Training: who took up IPC training, people attending by area, and the offers (their cost is
  // commercially sensitive and never published).
  const responses = await ipcTrainingResponses(db, councilId, at)
  const attendees = await ipcTrainingAttendees(db, councilId, at)
  const providerIds = [...new Set(responses.rows.map((r) => r.providerId))]
  const areaOf = new Map<string, string>()
  if (providerIds.length) {
    const located = await db
      .selectFrom('locations')
      .select(['providerId', 'area'])
      .where('councilId', '=', councilId)
      .where('providerId', 'in', providerIds)
      .orderBy('providerId')
      .orderBy('name')
      .execute()
    for (const l of located)
      if (!areaOf.has(l.providerId)) areaOf.set(l.providerId, l.area ?? 'Area not recorded')
  }
  const kinds = ['ipc_course', 'train_the_trainer'] as const
  const areaNames = [
    ...new Set(attendees.rows.map((r) => areaOf.get(r.providerId) ?? 'Area not recorded')),
  ].sort()
  const cells = areaNames.map((name) =>
    kinds.map((kind) =>
      attendees.rows
        .filter((r) => r.kind === kind && (areaOf.get(r.providerId) ?? 'Area not recorded') === name)
        .reduce((s, r) => s + (r.attendees ?? 0), 0),
    ),
  )
  const offers = await trainingOffersOf(db, councilId)
  const providers = new Map<string, NamedProvider>()
  for (const r of responses.rows) {
    const named = providers.get(r.providerId) ?? {
      providerId: r.providerId,
      name: r.providerName,
      figures: [],
    }
    named.figures.push({ label: `${r.offerTitle}: status`, value: uptakeStatusNames[r.status] })
    if (r.status === 'delivered')
      named.figures.push({ label: `${r.offerTitle}: people attended`, value: String(r.attendees ?? 0) })
    providers.set(r.providerId, named)
  }
  blocks.push(
    { type: 'heading', level: 2, text: 'Training' },
    {
      type: 'counts',
      caption: 'People who attended IPC training, by area and kind of training',
      table: { rowLabels: areaNames, columnLabels: kinds.map((k) => trainingKindNames[k]), cells },
    },
    {
      type: 'table',
      caption: 'IPC training uptake by provider',
      columns: [
        { key: 'provider', label: 'Provider' },
        { key: 'status', label: 'Where they are with IPC training' },
      ],
      rows: [...providers.values()]
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((p) => ({
          provider: { text: p.name },
          status: {
            text: p.figures
              .filter((f) => f.label.endsWith(': status'))
              .map((f) => `${f.label.replace(/: status$/, '')}: ${f.value}`)
              .join('\n'),
          },
        })),
    },
    {
      type: 'table',
      caption: 'Training offered',
      columns: [
        { key: 'offer', label: 'Training' },
        { key: 'kind', label: 'Kind' },
        { key: 'deliveredBy', label: 'Delivered by' },
        { key: 'places', label: 'Places' },
        { key: 'cost', label: 'Cost to the council', sensitive: true },
      ],
      rows: offers.map((o) => ({
        offer: { text: o.title },
        kind: { text: trainingKindNames[o.kind] },
        deliveredBy: { text: o.deliveredBy },
        places: { text: o.capacity === null ? 'No limit' : String(o.capacity) },
        cost: {
          text:
            o.costPence === null
              ? ''
              : `£${(Number(o.costPence) / 100).toLocaleString('en-GB', { minimumFractionDigits: 2 })}`,
        },
      })),
    },
  )

  return {
    title: 'Care market support plan: progress report',
    summary:
      'What the organisations signed up to the plan have done, action by action. Every figure is taken from CareHub at the time shown beside it, with its definition.',
    asAt,
    blocks,
    providers: [...providers.values()],
  }
}

export const progressReport: PublicationKind = {
  kind: progressReportKind,
  name: 'Action plan progress report',
  build: buildProgressReport,
}
