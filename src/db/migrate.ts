import type { Kysely } from 'kysely'
import { type Migration, type MigrationProvider, Migrator } from 'kysely/migration'
import * as m0001 from './migrations/0001-foundation.ts'
import * as m0002 from './migrations/0002-directory.ts'
import * as m0003 from './migrations/0003-returns.ts'
import * as m0004 from './migrations/0004-returns-channels.ts'
import * as m0005 from './migrations/0005-early-warning.ts'
import * as m0006 from './migrations/0006-contact-log-enquiries.ts'
import * as m0008 from './migrations/0008-default-risk-rules.ts'
import * as m0009 from './migrations/0009-dashboards.ts'
import * as m0010 from './migrations/0010-alert-notifications.ts'
import * as m0012 from './migrations/0012-dashboard-councils.ts'
import * as m0013 from './migrations/0013-return-risk-figures.ts'
import * as m0014 from './migrations/0014-risk-queue.ts'
import * as m0015 from './migrations/0015-council-rules-and-settings.ts'
import * as m0016 from './migrations/0016-cqc-import-councils.ts'
import * as m0017 from './migrations/0017-ppe-supply.ts'
import * as m0018 from './migrations/0018-staffing-and-ipc-visits.ts'
import * as m0019 from './migrations/0019-welfare-and-resilience.ts'
import * as m0020 from './migrations/0020-payments.ts'
import * as m0021 from './migrations/0021-grants.ts'
import * as m0022 from './migrations/0022-action-plan-training-publishing.ts'
import * as m0023 from './migrations/0023-bulletins-resources-surveys.ts'
import * as m0024 from './migrations/0024-dashboards-follow-the-directory.ts'
import * as m0025 from './migrations/0025-staffing-team-and-night-shifts.ts'
import * as m0027 from './migrations/0027-ppe-stores-and-low-stock-alerts.ts'
import * as m0028 from './migrations/0028-payment-scheme-void-source.ts'
import * as m0029 from './migrations/0029-beds-history-and-grants-open-data.ts'
import * as m0030 from './migrations/0030-bulletin-attachments-delivery-receipts.ts'
import * as m0031 from './migrations/0031-dashboard-figures-age.ts'
import * as m0032 from './migrations/0032-cqc-provider-records.ts'
import * as m0033 from './migrations/0033-ppe-moves-by-request.ts'
import * as m0034 from './migrations/0034-nil-returns-and-exceptions.ts'
import * as m0035 from './migrations/0035-capacity-tracker-imports.ts'
import * as m0037 from './migrations/0037-market-api-tokens.ts'
import * as m0038 from './migrations/0038-contacts-on-cases.ts'
import * as m0039 from './migrations/0039-risk-figures-by-frequency.ts'
import * as m0040 from './migrations/0040-dashboard-rebuild-claims.ts'
import * as m0041 from './migrations/0041-national-alert-counts.ts'
import * as m0044 from './migrations/0044-staffing-pool-retention.ts'
import * as m0045 from './migrations/0045-two-step-sign-in.ts'
import * as m0046 from './migrations/0046-single-sign-on.ts'
import * as m0047 from './migrations/0047-return-export-cells.ts'
import * as m0048 from './migrations/0048-welfare-cancelled-visits-index.ts'
import * as m0049 from './migrations/0049-risk-figures-covering-key.ts'
import * as m0050 from './migrations/0050-national-daily-totals.ts'
import * as m0051 from './migrations/0051-return-export-nil-columns.ts'

// Migrations are listed explicitly (no folder scanning), in order; each file is frozen once merged.
const migrations: Record<string, Migration> = {
  '0001-foundation': m0001,
  '0002-directory': m0002,
  '0003-returns': m0003,
  '0004-returns-channels': m0004,
  '0005-early-warning': m0005,
  '0006-contact-log-enquiries': m0006,
  '0008-default-risk-rules': m0008,
  '0009-dashboards': m0009,
  '0010-alert-notifications': m0010,
  '0012-dashboard-councils': m0012,
  '0013-return-risk-figures': m0013,
  '0014-risk-queue': m0014,
  '0015-council-rules-and-settings': m0015,
  '0016-cqc-import-councils': m0016,
  '0017-ppe-supply': m0017,
  '0018-staffing-and-ipc-visits': m0018,
  '0019-welfare-and-resilience': m0019,
  '0020-payments': m0020,
  '0021-grants': m0021,
  '0022-action-plan-training-publishing': m0022,
  '0023-bulletins-resources-surveys': m0023,
  '0024-dashboards-follow-the-directory': m0024,
  '0025-staffing-team-and-night-shifts': m0025,
  '0027-ppe-stores-and-low-stock-alerts': m0027,
  '0028-payment-scheme-void-source': m0028,
  '0029-beds-history-and-grants-open-data': m0029,
  '0030-bulletin-attachments-delivery-receipts': m0030,
  '0031-dashboard-figures-age': m0031,
  '0032-cqc-provider-records': m0032,
  '0033-ppe-moves-by-request': m0033,
  '0034-nil-returns-and-exceptions': m0034,
  '0035-capacity-tracker-imports': m0035,
  '0037-market-api-tokens': m0037,
  '0038-contacts-on-cases': m0038,
  '0039-risk-figures-by-frequency': m0039,
  '0040-dashboard-rebuild-claims': m0040,
  '0041-national-alert-counts': m0041,
  '0044-staffing-pool-retention': m0044,
  '0045-two-step-sign-in': m0045,
  '0046-single-sign-on': m0046,
  '0047-return-export-cells': m0047,
  '0048-welfare-cancelled-visits-index': m0048,
  '0049-risk-figures-covering-key': m0049,
  '0050-national-daily-totals': m0050,
  '0051-return-export-nil-columns': m0051,
}

// Their names, in order (the prepared empty database records which of them it holds: empty-database.ts).
export const migrationNames = Object.keys(migrations)

const provider: MigrationProvider = { getMigrations: async () => migrations }

export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({ db, provider })
  const { error, results } = await migrator.migrateToLatest()
  if (error) throw error instanceof Error ? error : new Error(String(error))
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName)
}

// Up to and including one migration: for tests of what a migration does to data already there.
export async function migrateTo(db: Kysely<any>, name: string): Promise<void> {
  const { error } = await new Migrator({ db, provider }).migrateTo(name)
  if (error) throw error instanceof Error ? error : new Error(String(error))
}
