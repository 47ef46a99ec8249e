import type { Db } from '../../db/database.ts'
import { dateInWords, londonDate } from '../../domain/dates.ts'
import { type ServiceType, serviceTypeNames } from '../../domain/service-types.ts'
import type { Block, Figure, PublicationContent, PublicationKind } from '../publishing/index.ts'
import { percent, sumTotals } from './domain/figures.ts'
import { areasInScope, ragCounts } from './figures.repository.ts'
import { totalsFromLocations, type Viewpoint } from './measures.repository.ts'

// The public view of the situation dashboard (issue 24: every public output goes through publishing's
// workflow): a council's market on the day of publication, as counts that publishing suppresses (a home
// in outbreak must not be identifiable from a small number) and rates with their definitions. It names
// no provider, so no provider has figures to check before sign-off.

export const publicDashboardKind = 'public-dashboard'

// A rate as the dashboard shows it: to one decimal place, a dash where there is nothing to divide by.
const shown = (part: number, whole: number) => {
  const p = percent(part, whole)
  return p === null ? '–' : `${p}%`
}

export async function buildPublicDashboard(db: Db, councilId: string, at: Date): Promise<PublicationContent> {
  const day = londonDate(at)
  const asAt = at.toISOString()
  const view: Viewpoint = { scope: { kind: 'councils', councilIds: [councilId] }, councilIds: [councilId] }
  const council = await db
    .selectFrom('organisations')
    .select('name')
    .where('id', '=', councilId)
    .executeTakeFirstOrThrow()
  const rows = await totalsFromLocations(db, view, {}, [day])
  const t = sumTotals(day, rows)
  const figure = (key: string, name: string, shown: string, definition: string): Figure => ({
    key,
    name,
    shown,
    asAt,
    definition,
  })
  const rate = (key: string, name: string, shown: string, definition: string) => ({
    figure: { text: name },
    value: { text: shown, figures: [figure(key, name, shown, definition)] },
    definition: { text: definition },
  })

  const areas = await areasInScope(db, view.scope)
  const ragByArea = await Promise.all(areas.map((area) => ragCounts(db, view, { area })))
  const serviceTypes = [...new Set(rows.map((r) => r.serviceType))].sort() as ServiceType[]
  const byServiceType = (pick: (r: (typeof rows)[number]) => number) =>
    serviceTypes.map((s) => [rows.filter((r) => r.serviceType === s).reduce((n, r) => n + pick(r), 0)])
  const serviceTypeLabels = serviceTypes.map((s) => serviceTypeNames[s] ?? s)

  const blocks: Block[] = [
    {
      type: 'paragraph',
      text: `${council.name}'s care market on ${dateInWords(day)}: from the returns care providers sent for that day, and each location's risk status as it stood when this was published.`,
    },
    { type: 'heading', level: 2, text: 'Returns, staff and beds' },
    {
      type: 'table',
      caption: 'Rates for the day',
      columns: [
        { key: 'figure', label: 'Figure' },
        { key: 'value', label: 'Value' },
        { key: 'definition', label: 'What it counts' },
      ],
      rows: [
        rate(
          'reported',
          'Returns received',
          shown(t.reported, t.expected),
          'Locations that sent their return for the period including the day, of those open on its first day',
        ),
        rate(
          'absence',
          'Staff absent',
          shown(t.staffAbsent, t.staffEmployed),
          'Staff absent for any reason, of staff employed, at the locations that gave both',
        ),
        rate(
          'vacancies',
          'Beds vacant',
          shown(t.vacantBeds, t.bedsAvailable),
          'Vacant beds, of the beds that can be used, in the day’s returns',
        ),
      ],
    },
    { type: 'heading', level: 2, text: 'Risk' },
    {
      type: 'counts',
      caption: 'Locations by risk status and area',
      table: {
        rowLabels: areas,
        columnLabels: ['Red', 'Amber', 'Green'],
        cells: ragByArea.map((r) => [r.red, r.amber, r.green]),
      },
    },
    { type: 'heading', level: 2, text: 'Outbreaks, PPE and admissions' },
    {
      type: 'counts',
      caption: 'Locations in outbreak (a confirmed case in 14 days, or 2 or more suspected), by service type',
      table: {
        rowLabels: serviceTypeLabels,
        columnLabels: ['In outbreak'],
        cells: byServiceType((r) => r.outbreak),
      },
    },
    {
      type: 'counts',
      caption: 'Locations with under 3 days of any PPE item in the day’s return, by service type',
      table: {
        rowLabels: serviceTypeLabels,
        columnLabels: ['Under 3 days of PPE'],
        cells: byServiceType((r) => r.ppeRed),
      },
    },
    {
      type: 'counts',
      caption: 'Care homes closed to admissions, by service type',
      table: {
        rowLabels: serviceTypeLabels,
        columnLabels: ['Closed to admissions'],
        cells: byServiceType((r) => r.closedToAdmissions),
      },
    },
  ]
  return {
    title: 'Care market situation',
    summary: `${council.name}'s adult social care market on ${dateInWords(day)}: returns received, staff absence, vacant beds, risk status by area, outbreaks, PPE and admissions.`,
    asAt,
    blocks,
    providers: [],
  }
}

export const publicDashboard: PublicationKind = {
  kind: publicDashboardKind,
  name: 'Care market situation (public dashboard)',
  build: buildPublicDashboard,
}
