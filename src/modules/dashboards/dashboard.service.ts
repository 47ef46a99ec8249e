import type { Db } from '../../db/database.ts'
import type { Clock } from '../../domain/clock.ts'
import { isIsoDate, londonDate } from '../../domain/dates.ts'
import { type Actor, can, locationScope } from '../../domain/policy.ts'
import { type DayTotals, type FigureKey, headline, trendDays, trends } from './domain/figures.ts'
import {
  areasInScope,
  isRiskFigure,
  measureFigureLocations,
  openAlertsByOrganisation,
  ragCounts,
  riskFigureLocations,
} from './figures.repository.ts'
import { keptCountsAnswer, keptOpenAlertsByOrganisation, keptRagCounts } from './kept-counts.repository.ts'
import { type DashboardFilter, totalsFromLocations, type Viewpoint } from './measures.repository.ts'
import { createOverviewService } from './overview.service.ts'
import { riskShownTo } from './risk-shown.ts'
import { rollupFor, totalsFromRollup } from './rollup.repository.ts'

// Who sees the situation dashboard: council staff, partners, viewers and regional viewers. Provider
// managers see their own locations' view instead, with the area average beside it.
export function maySeeDashboard(actor: Actor): boolean {
  return can(actor, 'locations:read') && actor.role !== 'provider_manager'
}

export const viewpointOf = (actor: Actor): Viewpoint => ({
  scope: locationScope(actor),
  councilIds: actor.organisationKind === 'region' ? [] : actor.councilIds,
})

export type FilterInput = Omit<DashboardFilter, 'day'> & { day?: string }

export function createDashboardService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps

  const today = () => londonDate(clock.now())

  // Bad input gets a specific message; the page shows it in an error summary and keeps today's figures.
  function checkDay(day: string | undefined): { day: string; error?: string } {
    if (!day) return { day: today() }
    if (!isIsoDate(day)) return { day: today(), error: 'Enter a real date, for example 2020-04-27' }
    if (day > today()) return { day: today(), error: 'The date must be today or in the past' }
    return { day }
  }

  async function dayTotals(view: Viewpoint, filter: Omit<DashboardFilter, 'day'>, days: readonly string[]) {
    return rollupFor(view, filter)
      ? { rows: await totalsFromRollup(db, view, filter, days), source: 'rollup' as const }
      : { rows: await totalsFromLocations(db, view, filter, days), source: 'locations' as const }
  }

  async function situation(actor: Actor, input: FilterInput) {
    if (!maySeeDashboard(actor)) return null
    const { day, error } = checkDay(input.day)
    const filter = { ...input, day }
    const view = viewpointOf(actor)
    const days = trendDays(day)
    // The whole market's "now" figures are kept by the alert store's writes (migration 0041). RAG and
    // alerts are not even read for one who may not see them.
    const kept = keptCountsAnswer(view, filter)
    const riskShown = riskShownTo(actor)
    const [{ rows, source }, rag, alerts] = await Promise.all([
      dayTotals(view, filter, days),
      !riskShown.rag ? null : kept ? keptRagCounts(db, filter) : ragCounts(db, view, filter),
      !riskShown.alerts
        ? null
        : kept
          ? keptOpenAlertsByOrganisation(db, filter)
          : openAlertsByOrganisation(db, view, filter),
    ])
    return {
      filter,
      error,
      source,
      riskShown,
      headline: headline(day, rows, rag, alerts),
      trends: trends(days, rows, today()),
      rows: rows as DayTotals[],
    }
  }

  async function areas(actor: Actor): Promise<string[]> {
    if (!maySeeDashboard(actor)) return []
    return areasInScope(db, locationScope(actor))
  }

  // The locations behind one figure, a page at a time, with the figures that put them there. A RAG
  // list is refused (null) to one who may not see RAG, the open-alerts list to one who may not see alerts.
  async function figureLocations(
    actor: Actor,
    input: FilterInput,
    figure: FigureKey,
    page: number,
    pageSize: number,
    organisationId?: string,
  ) {
    if (!maySeeDashboard(actor)) return null
    const { day, error } = checkDay(input.day)
    const filter = { ...input, day }
    const view = viewpointOf(actor)
    const riskShown = riskShownTo(actor)
    if (isRiskFigure(figure)) {
      if (!(figure === 'open-alerts' ? riskShown.alerts : riskShown.rag)) return null
      const found = await riskFigureLocations(
        db,
        view,
        filter,
        figure,
        { page, pageSize },
        riskShown,
        organisationId,
      )
      return { filter, error, ...found, riskShown, kind: 'risk' as const }
    }
    const found = await measureFigureLocations(db, view, filter, day, figure, { page, pageSize }, riskShown)
    return { filter, error, ...found, riskShown, kind: 'measures' as const }
  }

  return {
    situation,
    areas,
    figureLocations,
    ...createOverviewService({ db, today }),
    checkDay,
    today,
  }
}

export type DashboardService = ReturnType<typeof createDashboardService>
