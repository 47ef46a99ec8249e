import { sql } from 'kysely'
import type { Db, DbOrTransaction } from '../../db/database.ts'
import { serviceTypes } from '../../domain/service-types.ts'
import type { AlertsByOrganisation, RagCounts } from './domain/figures.ts'
import type { DashboardFilter, Viewpoint } from './measures.repository.ts'

// The national dashboard's "now" figures (RAG counts, open alerts by the organisation owning their
// case), read from the counts kept by the triggers of migration 0041 in the same transaction as every
// change to alerts, cases, RAG rows and locations, rather than counted over every open alert per view
// (issue 27: 32–35 ms p95 nationally). The counts are rows of changes, summed here; the
// `dashboard-counts-compact` job folds them into one row per key now and then.

type Filter = Omit<DashboardFilter, 'day'>

const notOwned = '00000000-0000-0000-0000-000000000000'

// The kept counts answer the whole market's view, whole or by service type; other filters (area, in or
// out of area, contracted) and other viewers are counted over their locations.
export function keptCountsAnswer(view: Viewpoint, filter: Filter): boolean {
  if (view.scope.kind !== 'everything') return false
  if (filter.area) return false
  if (filter.contracted === 'yes' || filter.contracted === 'no') return false
  if ((filter.inArea === 'in' || filter.inArea === 'out') && view.councilIds.length) return false
  return true
}

async function keptRows(db: DbOrTransaction, filter: Filter) {
  const serviceType =
    filter.serviceType && (serviceTypes as readonly string[]).includes(filter.serviceType)
      ? filter.serviceType
      : null
  // Only service types with a return template, as the dashboard's locations are.
  const { rows } = await sql<{ kind: string; ownerId: string; n: string }>`
    select kind, owner_id as "ownerId", sum(n) as n from dashboard_alert_counts
    where service_type in (select service_type from return_templates)
      and (${serviceType}::text is null or service_type = ${serviceType})
    group by kind, owner_id having sum(n) <> 0`.execute(db)
  return rows.map((r) => ({ ...r, n: Number(r.n) }))
}

export async function keptRagCounts(db: DbOrTransaction, filter: Filter): Promise<RagCounts> {
  const rows = await keptRows(db, filter)
  const count = (kind: string) => rows.filter((r) => r.kind === kind).reduce((n, r) => n + r.n, 0)
  const [open, red, amber] = [count('open'), count('red'), count('amber')]
  return { red, amber, green: open - red - amber, open }
}

export async function keptOpenAlertsByOrganisation(
  db: DbOrTransaction,
  filter: Filter,
): Promise<AlertsByOrganisation> {
  const owners = (await keptRows(db, filter)).filter((r) => r.kind === 'alerts')
  const ids = owners.map((o) => o.ownerId).filter((id) => id !== notOwned)
  const names = new Map(
    ids.length
      ? (await db.selectFrom('organisations').select(['id', 'name']).where('id', 'in', ids).execute()).map(
          (o) => [o.id, o.name] as const,
        )
      : [],
  )
  // By name, the cases not yet owned last (as the count over the alerts orders them).
  return owners
    .map((o) => {
      const organisationId = o.ownerId === notOwned ? null : o.ownerId
      return {
        organisationId,
        name: (organisationId && names.get(organisationId)) || 'Not yet owned',
        open: o.n,
        sortName: organisationId ? (names.get(organisationId) ?? null) : null,
      }
    })
    .sort((a, b) =>
      a.sortName === b.sortName
        ? 0
        : a.sortName === null
          ? 1
          : b.sortName === null
            ? -1
            : a.sortName < b.sortName
              ? -1
              : 1,
    )
    .map(({ sortName: _, ...o }) => o)
}

// Folds the rows of changes into one row per key (the job `dashboard-counts-compact`). Only rows
// already committed are folded, by their ids; writers only ever add rows, so nothing waits on this.
export async function compactKeptCounts(db: Db): Promise<void> {
  await sql`
    with folded as (
      delete from dashboard_alert_counts
      where id <= (select max(id) from dashboard_alert_counts)
      returning service_type, kind, owner_id, n
    )
    insert into dashboard_alert_counts (service_type, kind, owner_id, n)
    select service_type, kind, owner_id, sum(n) from folded group by 1, 2, 3 having sum(n) <> 0`.execute(db)
}
