import { SingleBar } from 'cli-progress'
import type { Services } from '../composition.ts'
import { loadNationalData, nationalPassword } from '../db/seed/national.ts'
import type { Scale } from '../db/seed/national-data.ts'

// `carehub seed --scale …`: generated data on PostgreSQL through COPY (PGlite: county scale), with a
// progress bar on the terminal.
export async function seedAtScale(services: Services, scale: Scale, days: number) {
  const { config } = services
  const bar = new SingleBar({
    format: 'Returns {bar} {percentage}% | {value}/{total} location-periods | {eta_formatted} left',
    etaBuffer: 50,
    hideCursor: true,
  })
  let started = false
  const summary = await loadNationalData(
    config.databaseUrl
      ? { engine: 'postgres', url: config.databaseUrl }
      : { engine: 'pglite', db: services.db },
    {
      scale,
      days,
      now: services.clock.now(),
      onProgress(done, expected) {
        if (!started) {
          bar.start(expected, 0)
          started = true
        }
        bar.update(done)
      },
    },
  ).finally(() => bar.stop())
  const s = summary.seconds
  console.log(
    [
      `Generated ${scale} data: ${summary.councils} councils, ${summary.providers} providers, ${summary.locations.toLocaleString('en-GB')} locations, ${summary.users.toLocaleString('en-GB')} users,`,
      `${summary.returns.toLocaleString('en-GB')} returns for ${summary.firstPeriod} to ${summary.lastPeriod}.`,
      `Time: ${s.total.toFixed(0)} s (directory ${s.directory.toFixed(1)} s, returns ${s.returns.toFixed(0)} s, indexes ${s.indexes.toFixed(0)} s, analyse ${s.analyse.toFixed(0)} s).`,
      `Sign in (password: ${nationalPassword}): officer@council-1.example (a council officer; council-1 … council-${summary.councils}),`,
      '  national@region.example (sees every council), manager@provider-1.example (a provider manager).',
    ].join('\n'),
  )
}
