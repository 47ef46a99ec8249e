import { createApp } from './app.ts'
import { composeFromConfig } from './composition.ts'
import { type Config, loadConfig, shouldLoadDemo } from './config.ts'
import { migrateToLatest } from './db/migrate.ts'
import { demoPassword, demoUsers, isDatabaseEmpty, loadDemoCounty } from './db/seed/demo-county.ts'
import { withDemoProgress } from './db/seed/demo-progress.ts'
import { demoTwoStepNote, setUpDemoTwoStep } from './db/seed/demo-two-step.ts'
import { takePreparedDemo, preparedDemoFolder } from './db/seed/prepared-demo.ts'
import { systemClock } from './domain/clock.ts'
import { startScheduler } from './jobs/scheduler.ts'
import { scheduledJobs } from './modules.ts'
import { logFormatFor, loggingOptions } from './web/request-log.ts'

// What this process does besides answering requests: one process does all of it; among several web
// workers (workers.ts) the primary has migrated already, one worker runs the jobs, and the primary
// prints where CareHub is running.
export type ServeRole = { migrate: boolean; jobs: boolean; banner: boolean }
const jobsAfterFirstStartMs = 20_000

export async function serve(
  config: Config = loadConfig(),
  role: ServeRole = { migrate: true, jobs: true, banner: true },
) {
  // A first start on the embedded database takes the demo prepared at install when it may (before the
  // database opens: the prepared directory becomes its data directory).
  const prepared =
    role.migrate && !config.databaseUrl && shouldLoadDemo(config)
      ? startFromPreparedDemo(config.dataDir, systemClock.now())
      : null
  const services = await composeFromConfig(config)
  const applied = role.migrate ? await migrateToLatest(services.db) : []
  const app = await createApp(
    services,
    loggingOptions(config, logFormatFor(config.env, process.stdout.isTTY === true)),
  )
  if (applied.length) app.log.info({ migrations: applied }, 'database migrated')

  let demoLoaded = false
  if (prepared && 'madeFor' in prepared) {
    // The two-step key is sealed with this installation's secret, made with its data directory.
    await setUpDemoTwoStep(services.db, services.cookieSecret, services.clock.now())
    app.log.info({ madeFor: prepared.madeFor }, 'demo county loaded from the copy made at install')
    demoLoaded = true
  } else if (role.migrate && shouldLoadDemo(config) && (await isDatabaseEmpty(services.db))) {
    if (prepared)
      console.log(`Loading the demo county afresh, not the copy made at install: ${prepared.reason}.`)
    app.log.info('empty database: loading the demo county (first start only)')
    const summary = await withDemoProgress((progress) =>
      loadDemoCounty(services.db, services.clock, undefined, progress),
    )
    await setUpDemoTwoStep(services.db, services.cookieSecret, services.clock.now())
    app.log.info(summary, 'demo county loaded')
    demoLoaded = true
  }

  // The last line of defence: every failure should be handled where it happens (a request's by its
  // error handler, a job's by the scheduler). One that is not is a bug, logged rather than allowed to
  // end the process and every user's requests with it.
  process.on('unhandledRejection', (reason) => {
    app.log.error({ err: reason }, 'unhandled promise rejection')
  })

  // Standard output or error that cannot be written (a full disk under the log file, a closed pipe)
  // loses the banner and the lines, never the service: without a listener the stream's 'error' ends the
  // process (test/faults/disk-full-export.db.test.ts).
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {})

  await app.listen({ host: config.host, port: config.port })
  if (role.banner) printWhereRunning(config, app, demoLoaded)

  // The jobs start once the server answers. Just after the demo's first load their first round waits a
  // little: the loader has just recomputed the risk (a dashboard builds any figures it lacks when read),
  // and on the embedded database's one connection the first pages would otherwise wait behind the
  // reminders to 800 locations and the rollup (2–3 s of CPU).
  const scheduler = role.jobs
    ? startScheduler(services.db, scheduledJobs(services), app.log, {
        firstRunInMs: demoLoaded ? jobsAfterFirstStartMs : 0,
      })
    : null

  let closing = false
  const shutdown = async (signal: string) => {
    if (closing) return
    closing = true
    app.log.info({ signal }, 'shutting down')
    await app.close()
    await scheduler?.stop()
    await services.db.destroy()
    process.exit(0)
  }
  process.on('SIGINT', () => void shutdown('SIGINT'))
  process.on('SIGTERM', () => void shutdown('SIGTERM'))
  return app
}

// The prepared demo's copy, said as the loader's progress would be; why not, when it may not be used.
function startFromPreparedDemo(dataDir: string, now: Date) {
  const taken = takePreparedDemo(preparedDemoFolder, dataDir, now)
  if (taken && 'madeFor' in taken)
    console.log(`Loading the demo county: ${taken.how} the one made at install for ${taken.madeFor}`)
  return taken
}

// Where CareHub is running and, with the demo county, who can sign in.
function printWhereRunning(config: Config, app: Awaited<ReturnType<typeof createApp>>, demoLoaded: boolean) {
  const url = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${(app.server.address() as { port: number }).port}`
  const lines = [
    ``,
    `CareHub is running at ${url}`,
    `Database: ${config.databaseUrl ? 'PostgreSQL' : `embedded (PGlite) in ${config.dataDir}`}`,
  ]
  if (shouldLoadDemo(config)) {
    lines.push(
      `${demoLoaded ? 'Demo county loaded.' : 'Demo county'} Sign in with any of these (password: ${demoPassword}):`,
    )
    for (const u of demoUsers) lines.push(`  ${u.role.padEnd(17)} ${u.email}`)
    lines.push(demoTwoStepNote())
  }
  lines.push(`Press Ctrl+C to stop.`, ``)
  console.log(lines.join('\n'))
}
