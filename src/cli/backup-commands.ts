import type { Config } from '../config.ts'
import { backupDatabase, backupTargetOf, restoreDatabase } from '../db/backup.ts'
import { databaseTargetFromConfig } from '../db/database.ts'
import { exportToPostgres } from '../db/export-to-postgres.ts'

// `carehub backup`, `restore` and `export-to-postgres`: the database the configuration names (DATABASE_URL,
// or the embedded one under DATA_DIR). Run them with CareHub stopped on the embedded database: it has
// one process at a time.
const targetOf = (config: Config) => backupTargetOf(databaseTargetFromConfig(config), config.postgresBinDir)

export async function backupCommand(config: Config, file: string) {
  const report = await backupDatabase(targetOf(config), file)
  for (const line of report.lines) console.log(line)
}

export async function restoreCommand(config: Config, file: string, force: boolean) {
  const report = await restoreDatabase(targetOf(config), file, { force })
  for (const line of report.lines) console.log(line)
}

export async function exportToPostgresCommand(config: Config, url: string) {
  if (!/^postgres(ql)?:\/\//.test(url)) throw new Error('Give the PostgreSQL database as a postgres:// URL.')
  if (config.databaseUrl)
    throw new Error(
      'DATABASE_URL is set: this install already runs on PostgreSQL; unset it to move the embedded database.',
    )
  const report = await exportToPostgres(config.dataDir, url)
  for (const line of report.lines) console.log(line)
}
