import { nationalMeasurements } from './measurements.ts'
import type { NationalRun } from './national.ts'

// One national measurement, in a process of its own. The parent sends { id, databaseUrl } over IPC.
process.once('message', (job: { id: string; databaseUrl: string }) => {
  const measurement = nationalMeasurements.find((m) => m.id === job.id)
  const work = measurement
    ? measurement.run({ databaseUrl: job.databaseUrl, log: (line) => console.log(`  ${job.id}: ${line}`) })
    : Promise.reject(new Error(`no national measurement ${job.id}`))
  work
    .then(
      (result): NationalRun => ({ ok: true, result }),
      (error: unknown): NationalRun => ({
        ok: false,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      }),
    )
    .then((run) => process.send!(run, () => process.exit(0)))
})
