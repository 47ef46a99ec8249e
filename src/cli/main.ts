import fs from 'node:fs'
import path from 'node:path'
import { Command, Option } from 'commander'
import type { composeFromConfig } from '../composition.ts'
import { loadConfig } from '../config.ts'
import { isScale, scales } from '../db/seed/national-data.ts'
import { organisationKinds, roles } from '../domain/roles.ts'

// The app's modules are loaded by the command that needs them, not to print help: through tsx, loading
// every capability takes seconds.
const app = () => import('../composition.ts')
const migrations = () => import('../db/migrate.ts')
const demo = () => import('../db/seed/demo-county.ts')

// Each command opens the database, does its work, and closes it again.
async function withServices<T>(
  work: (services: Awaited<ReturnType<typeof composeFromConfig>>) => Promise<T>,
): Promise<T> {
  const [{ composeFromConfig }, { migrateToLatest }] = await Promise.all([app(), migrations()])
  const services = await composeFromConfig(loadConfig())
  try {
    await migrateToLatest(services.db)
    return await work(services)
  } finally {
    await services.db.destroy()
  }
}

const program = new Command()
program
  .name('carehub')
  .description('CareHub: keep the local care market safe through an emergency')
  .showHelpAfterError()

program
  .command('serve')
  .description(
    'run the web service (migrates the database first; loads the demo county on an empty embedded database)',
  )
  .action(async () => {
    const { loadConfig } = await import('../config.ts')
    const config = loadConfig()
    const { serveWithWorkers, workerCount } = await import('../workers.ts')
    if (workerCount(config) > 1) await serveWithWorkers(config)
    else {
      const { serve } = await import('../main.ts')
      await serve(config)
    }
  })

program
  .command('migrate')
  .description('apply any database migrations not yet applied, then exit')
  .action(async () => {
    const { migrateToLatest } = await migrations()
    const applied = await withServices((s) => migrateToLatest(s.db))
    console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'The database is up to date.')
  })

program
  .command('seed')
  .description('load data into an empty database: the demo county, or generated data at a scale')
  .option('--demo', 'load the invented demo county (refused unless the database is empty)')
  .addOption(
    new Option(
      '--scale <scale>',
      'generate councils, providers, locations and returns at this scale (refused unless the database is empty)',
    ).choices(Object.keys(scales)),
  )
  .option('--days <days>', 'with --scale: how many days of returns, up to yesterday', '365')
  .action(async (options: { demo?: boolean; scale?: string; days: string }) => {
    if (Boolean(options.demo) === Boolean(options.scale))
      throw new Error('Say what to load: --demo, or --scale county|region|national')
    const { demoPassword, demoUsers, isDatabaseEmpty, loadDemoCounty } = await demo()
    await withServices(async (s) => {
      if (!(await isDatabaseEmpty(s.db)))
        throw new Error(
          `The database already has data; ${options.demo ? 'the demo county loads' : 'generated data loads'} only into an empty database.`,
        )
      if (options.scale && isScale(options.scale)) {
        const { seedAtScale } = await import('./seed-command.ts')
        await seedAtScale(s, options.scale, Number(options.days))
        return
      }
      const { withDemoProgress } = await import('../db/seed/demo-progress.ts')
      const summary = await withDemoProgress((progress) => loadDemoCounty(s.db, s.clock, undefined, progress))
      const { demoTwoStepNote, setUpDemoTwoStep } = await import('../db/seed/demo-two-step.ts')
      await setUpDemoTwoStep(s.db, s.cookieSecret, s.clock.now())
      console.log(
        `Demo county loaded: ${summary.locations} locations, ${summary.providers} providers, ${summary.users} users.`,
      )
      console.log(`Demo sign-ins (password: ${demoPassword}):`)
      for (const u of demoUsers) console.log(`  ${u.role.padEnd(17)} ${u.email}`)
      console.log(demoTwoStepNote())
    })
  })

program
  .command('prepare-demo')
  .description(
    "make the demo county's database for today's first start (npm install does: the first `serve` the same day copies it)",
  )
  .action(async () => {
    const started = performance.now()
    const { makePreparedDemo, preparedDemoFolder } = await import('../db/seed/prepared-demo.ts')
    const { systemClock } = await import('../domain/clock.ts')
    const summary = await makePreparedDemo(preparedDemoFolder, systemClock)
    console.log(
      `Demo county prepared for today's first start: ${summary.locations} locations, ${summary.returns} returns, in ${((performance.now() - started) / 1000).toFixed(1)} s.`,
    )
  })

program
  .command('import')
  .description('import data files')
  .command('cqc')
  .description(
    'import a CQC file (care directory with filters, care directory, or API JSON lines): preview, then save in one transaction',
  )
  .argument('<file>', 'the CSV, XLSX or JSONL file')
  .option(
    '--area <local authority>',
    'only locations in this local authority (e.g. "Oldham"); when it is a council here, only that council’s market',
  )
  .option('--all', 'every location in the file, any council’s (no area restriction)')
  .option('--close-missing', 'close locations in the area (the council’s own) that are no longer in the file')
  .option('--yes', 'save without asking after the preview')
  .action(
    async (
      file: string,
      options: { area?: string; all?: boolean; closeMissing?: boolean; yes?: boolean },
    ) => {
      if (!options.area && !options.all)
        throw new Error('Say which locations: --area "Local authority name" or --all')
      const { importCqcFromCommandLine } = await import('./import-command.ts')
      await withServices((s) =>
        importCqcFromCommandLine(s, file, {
          areaName: options.all ? null : options.area!,
          closeMissing: Boolean(options.closeMissing),
          yes: Boolean(options.yes),
        }),
      )
    },
  )

program
  .command('import-capacity-tracker')
  .description(
    'import a national capacity tracker extract (CSV) as partial returns, matched on CQC location ID',
  )
  .argument('<file>', 'the CSV extract')
  .option('--mapping <file>', 'a JSON column mapping (default: the tracker’s own column names)')
  .action(async (file: string, options: { mapping?: string }) => {
    const mapping = options.mapping ? JSON.parse(fs.readFileSync(options.mapping, 'utf8')) : undefined
    const content = fs.readFileSync(file)
    const everything = { kind: 'everything' } as const
    const result = await withServices((s) =>
      s.capacityTracker.importExtract(
        { userId: null, organisationId: null, scope: everything, fileName: path.basename(file) },
        content,
        mapping,
      ),
    )
    console.log(
      `${result.rows} rows: ${result.saved} saved, ${result.unchanged.length} unchanged, ${result.unmatched.length} unmatched, ${result.invalid.length} problems, ${result.alreadyReported.length} already reported by the provider; ${result.redFlagsRaised} red flags raised, ${result.redFlagsCleared} cleared`,
    )
    for (const u of result.unmatched.slice(0, 10))
      console.log(`  row ${u.rowNumber}: no location with CQC ID ${u.cqcLocationId ?? '(blank)'}`)
    for (const p of result.invalid.slice(0, 10)) console.log(`  row ${p.rowNumber}, ${p.column}: ${p.reason}`)
  })

// Backups: the tools are loaded by the command that runs them (src/cli/backup-commands.ts).
program
  .command('backup')
  .description(
    'back up the database to a file: pg_dump (custom format) on PostgreSQL, a snapshot of the data directory on the embedded database',
  )
  .argument('<file>', 'the file to write (refused if it exists; readable by its owner only)')
  .action(async (file: string) => {
    const { backupCommand } = await import('./backup-commands.ts')
    await backupCommand(loadConfig(), file)
  })

program
  .command('restore')
  .description('restore a backup made by `carehub backup` into this install’s database')
  .argument('<file>', 'the backup file')
  .option('--force', 'replace a database that holds data (what it holds is kept aside, not deleted)')
  .action(async (file: string, options: { force?: boolean }) => {
    const { restoreCommand } = await import('./backup-commands.ts')
    await restoreCommand(loadConfig(), file, Boolean(options.force))
  })

program
  .command('export-to-postgres')
  .description('move the embedded database (DATA_DIR) to an empty PostgreSQL database')
  .argument('<DATABASE_URL>', 'the PostgreSQL database to fill, postgres://…')
  .action(async (url: string) => {
    const { exportToPostgresCommand } = await import('./backup-commands.ts')
    await exportToPostgresCommand(loadConfig(), url)
  })

const user = program.command('user').description('manage user accounts')

user
  .command('create')
  .description(
    'create a user, and their organisation if new; prints a single-use link for them to set a password',
  )
  .requiredOption('--email <email>', 'their work e-mail address')
  .requiredOption('--name <name>', 'their full name')
  .addOption(new Option('--role <role>', 'their role').choices(roles).makeOptionMandatory())
  .requiredOption('--organisation <name>', 'the name of their organisation (created if new)')
  .addOption(
    new Option('--organisation-kind <kind>', 'the type of organisation')
      .choices(organisationKinds)
      .default('council'),
  )
  .option('--ons-code <code>', 'ONS code, when creating a council')
  .action(
    async (options: {
      email: string
      name: string
      role: string
      organisation: string
      organisationKind: (typeof organisationKinds)[number]
      onsCode?: string
    }) => {
      const { createUserByCommand } = await import('./user-commands.ts')
      const result = await withServices((s) =>
        createUserByCommand(s, {
          email: options.email,
          name: options.name,
          role: options.role,
          organisation: options.organisation,
          organisationKind: options.organisationKind,
          onsCode: options.onsCode,
        }),
      )
      console.log(`User created. They set their password at (single use, expires in 7 days):\n${result.link}`)
    },
  )

user
  .command('reset-password')
  .description('unlock an account and print a single-use link to choose a new password (also e-mailed)')
  .requiredOption('--email <email>', 'the account’s e-mail address')
  .action(async (options: { email: string }) => {
    const { resetPasswordByCommand } = await import('./user-commands.ts')
    const result = await withServices((s) => resetPasswordByCommand(s, options.email))
    console.log(`Password reset link (single use):\n${result.link}`)
  })

user
  .command('reset-two-step')
  .description('remove an account’s two-step sign-in (lost phone and recovery codes) and sign it out')
  .requiredOption('--email <email>', 'the account’s e-mail address')
  .action(async (options: { email: string }) => {
    const { resetTwoStepByCommand } = await import('./user-commands.ts')
    await withServices((s) => resetTwoStepByCommand(s, options.email))
    console.log(
      'Two-step sign-in reset: they set it up again at their next sign-in (if their role needs it).',
    )
  })

program.parseAsync(process.argv).catch((error: unknown) => {
  console.error(`carehub: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
})
