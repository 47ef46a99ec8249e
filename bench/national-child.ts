import type { NationalMeasurement, NationalRun } from './national.ts'

// One national measurement, in a process of its own. The parent sends { id, file, databaseUrl } over IPC
// (and dataDir for a PGlite measurement); only the file that defines the measurement is imported.
async function find(id: string, file: string): Promise<NationalMeasurement> {
  const exported: unknown[] = Object.values(await import(`./${file}`)).flat()
  const found = exported.find(
    (m): m is NationalMeasurement =>
      typeof m === 'object' &&
      m !== null &&
      (m as NationalMeasurement).kind === 'national' &&
      (m as NationalMeasurement).id === id,
  )
  if (!found) throw new Error(`${file} defines no national measurement ${id}`)
  return found
}

process.once('message', (job: { id: string; file: string; databaseUrl: string; dataDir?: string }) => {
  find(job.id, job.file)
    .then((measurement) =>
      measurement.run({
        databaseUrl: job.databaseUrl,
        dataDir: job.dataDir,
        log: (line) => console.log(`  ${job.id}: ${line}`),
      }),
    )
    .then(
      (result): NationalRun => ({ ok: true, result }),
      (error: unknown): NationalRun => ({
        ok: false,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      }),
    )
    .then((run) => process.send!(run, () => process.exit(0)))
})
