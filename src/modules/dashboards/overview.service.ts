import type { Db } from '../../db/database.ts'
import { addDaysToIsoDate } from '../../domain/dates.ts'
import { isUuid } from '../../domain/outcome.ts'
import { type Actor, can, locationScope } from '../../domain/policy.ts'
import {
  areaAverages,
  type ComparedLocation,
  currentReturnBefore,
  currentReturnsSince,
  locationAlerts,
  namedContacts,
  overviewLocation,
  providerById,
  providerLocations,
} from './overview.repository.ts'
import { riskShownTo } from './risk-shown.ts'

// The single view of a location and of a provider: everything known about it on one page, each read
// through the actor's scope, its RAG and alerts only for one who may see them (`riskShown`, which the
// pages follow). `today` is the London day the figures are for.
export function createOverviewService(deps: { db: Db; today: () => string }) {
  const { db, today } = deps

  async function locationView(actor: Actor, locationId: string) {
    if (!can(actor, 'locations:read') || !isUuid(locationId)) return null
    const riskShown = riskShownTo(actor)
    const location = await overviewLocation(db, locationScope(actor), locationId, riskShown)
    if (!location) return null
    const day = today()
    const since = addDaysToIsoDate(day, -7 * 12 + 1)
    const [returns, alerts, contacts] = await Promise.all([
      currentReturnsSince(db, locationId, since),
      riskShown.alerts ? locationAlerts(db, locationId) : Promise.resolve(null),
      // Named contacts are for council and partner officers only.
      can(actor, 'contacts:read') ? namedContacts(db, locationId) : Promise.resolve(null),
    ])
    // The latest return before today's, for the "change since" column, even if older than 12 weeks.
    const latest = returns[0] ?? null
    const previous =
      returns[1] ?? (latest ? await currentReturnBefore(db, locationId, latest.periodStart) : null)
    const areaAverage = actor.role === 'provider_manager' ? await areaComparison(location, day) : null
    return { location, day, returns, latest, previous, alerts, contacts, areaAverage, riskShown }
  }

  // How the location compares with the others of its kind in its area, today: averages only, never a
  // name, and nothing when fewer than three others reported (a small number would identify them).
  async function areaComparison(
    location: Omit<ComparedLocation, 'councilId'> & { councilId: string | null },
    day: string,
  ) {
    if (!location.councilId) return null
    const row = await areaAverages(db, { ...location, councilId: location.councilId }, day)
    const reported = Number(row?.reported ?? 0)
    if (reported < 3) return { reported, suppressed: true as const }
    const round = (v: unknown) => (v === null || v === undefined ? null : Math.round(Number(v) * 10) / 10)
    return {
      reported,
      suppressed: false as const,
      lowestPpeDays: round(row?.lowestPpe),
      absenceRate: round(row?.absenceRate),
      vacantBeds: round(row?.vacantBeds),
      area: location.area,
    }
  }

  // A provider's page: its locations the actor may see, each with its latest return, and its RAG and
  // open alerts for one who may see them.
  async function providerView(actor: Actor, providerId: string) {
    if (!can(actor, 'locations:read') || !isUuid(providerId)) return null
    const riskShown = riskShownTo(actor)
    const locations = await providerLocations(db, locationScope(actor), providerId, riskShown)
    // A provider is seen only through a location the actor may see.
    if (locations.length === 0) return null
    return { provider: await providerById(db, providerId), locations, riskShown }
  }

  return { locationView, providerView }
}
