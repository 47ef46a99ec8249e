import path from 'node:path'
import readline from 'node:readline/promises'
import { SingleBar } from 'cli-progress'
import type { Services } from '../composition.ts'
import { readFileShared } from '../jobs/worker-threads.ts'
import { createPreview, saveImport } from '../modules/directory/index.ts'

// `carehub import cqc FILE`: the same preview and all-or-nothing save as the web, with a progress bar.
export async function importCqcFromCommandLine(
  services: Services,
  file: string,
  options: { areaName: string | null; closeMissing: boolean; yes: boolean },
) {
  // Read into memory the worker that parses it shares, rather than a copy of its own.
  const content = await readFileShared(file)
  const by = { userId: null, organisationId: null }
  const started = Date.now()
  const preview = await createPreview(services.db, services.clock, by, {
    fileName: path.basename(file),
    content,
    areaName: options.areaName,
    closeMissing: options.closeMissing,
  })
  const c = preview.counts
  console.log(
    `${path.basename(file)}: ${preview.parsed.format ?? 'format not recognised'}, ${c.rows} rows read in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  )
  for (const problem of preview.parsed.fileProblems) console.log(`  File problem: ${problem.reason}`)
  const p = c.providers
  if (p)
    console.log(
      `  CQC providers file (changes providers only): new ${p.create}, named ${p.named}, renamed ${p.renamed}, address ${p.address}, Companies House number ${p.companiesHouseNumber}, brand ${p.brand}, unchanged ${p.unchanged}, errors ${c.errors}`,
    )
  else
    console.log(
      `  new ${c.create}, updated ${c.update}, unchanged ${c.unchanged}, closed ${c.close}, skipped ${c.skip}, errors ${c.errors}`,
    )
  for (const e of preview.plan.errors.slice(0, 10))
    console.log(`  row ${e.rowNumber ?? '-'}, ${e.column ?? '-'}: ${e.reason}`)
  if (preview.plan.errors.length > 10)
    console.log(`  … and ${preview.plan.errors.length - 10} more errors (see the import's problem rows)`)
  if (preview.parsed.fileProblems.length)
    throw new Error('Nothing saved: the file is not one CareHub can read')
  const providerChanges = p
    ? (preview.providerPlan?.create.length ?? 0) + (preview.providerPlan?.update.length ?? 0)
    : 0
  if (c.create + c.update + c.close + providerChanges === 0) {
    console.log('Nothing to change.')
    await services.db
      .updateTable('cqcImports')
      .set({ status: 'saved', savedAt: services.clock.now() })
      .where('id', '=', preview.id)
      .execute()
    return
  }
  if (!options.yes) {
    const rl = readline.createInterface({ input: process.stdin, output: process.stdout })
    const answer = await rl.question('Save these changes? (yes/no) ')
    rl.close()
    if (answer.trim().toLowerCase() !== 'yes') {
      console.log('Nothing saved.')
      return
    }
  }
  // A providers file is saved in one short statement or two: no locations to count.
  if (p) {
    await saveImport(services.db, services.clock, preview.id, by)
    console.log(`Saved in ${((Date.now() - started) / 1000).toFixed(1)} s.`)
    return
  }
  const bar = new SingleBar({
    format: 'Saving [{bar}] {percentage}% | {value}/{total} locations',
    hideCursor: true,
  })
  bar.start(c.create + c.update + c.close, 0)
  try {
    await saveImport(services.db, services.clock, preview.id, by, (done) => bar.update(done))
  } finally {
    bar.stop()
  }
  console.log(`Saved in ${((Date.now() - started) / 1000).toFixed(1)} s.`)
}
