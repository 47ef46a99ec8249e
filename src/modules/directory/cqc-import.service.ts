import { parse as parseCsv } from 'csv-parse/sync'
import type { Db } from '../../db/database.ts'
import type { Clock } from '../../domain/clock.ts'
import { isUuid } from '../../domain/outcome.ts'
import { type Actor, can } from '../../domain/policy.ts'
import {
  councilNames,
  findImport,
  listImports as importsPage,
  problemsCsvOf,
  storedFileContent,
} from './cqc-import.repository.ts'
import { importCouncilId } from './cqc-import-market.ts'
import { createPreview, type ImportOptions, saveClaimedImport, storedFile } from './cqc-import-preview.ts'
import { claimForSaving, failAbandonedSaves, inBackground, type TaskLog } from './cqc-import-saving.ts'

// The CQC imports as officers use them on the web: who may import which area, the preview, the save
// in the background with its progress, and the imports' pages. The reading, planning and saving
// themselves are cqc-import-preview.ts's, shared with the command line.
export function createCqcImportService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps
  // Progress of saves running in this process, for the progress page.
  const progress = new Map<string, { done: number; total: number }>()

  // Council staff import their own area; a regional body may take every row in the file.
  function areaChoices(actor: Actor, councilNames: string[]) {
    return actor.organisationKind === 'region'
      ? { own: councilNames, all: true }
      : { own: councilNames, all: false }
  }

  function councilNamesFor(actor: Actor): Promise<string[]> {
    return councilNames(db, actor.councilIds)
  }

  async function preview(actor: Actor, options: ImportOptions) {
    if (!can(actor, 'locations:import')) return null
    const allowedAreas = await councilNamesFor(actor)
    if (
      options.areaName === null
        ? actor.organisationKind !== 'region'
        : !allowedAreas.includes(options.areaName) && actor.organisationKind !== 'region'
    ) {
      return null
    }
    // An officer's import is for their own council; a regional body's for the council it names, if any.
    const within = actor.organisationKind === 'region' ? null : actor.councilIds
    const councilId = await importCouncilId(db, options.areaName, within)
    const by = { userId: actor.userId, organisationId: actor.organisationId }
    return createPreview(db, clock, by, { ...options, councilId })
  }

  // A regional body sees every import; anyone else their own organisation's.
  const importsOwner = (actor: Actor) => (actor.organisationKind === 'region' ? null : actor.organisationId)

  async function getImport(actor: Actor, id: string) {
    if (!can(actor, 'locations:import') || !isUuid(id)) return null
    await failAbandonedSaves(db, clock)
    const row = await findImport(db, importsOwner(actor), id)
    if (!row) return null
    // The preview shows the first problems on the page; the download has them all.
    const { problemsCsv } = await problemsCsvOf(db, id)
    const problems = (parseCsv(problemsCsv, { columns: true, to: 101 }) as Record<string, string>[]).slice(
      0,
      100,
    )
    return { ...row, progress: progress.get(id) ?? null, problems }
  }

  async function listImports(actor: Actor, page: number, pageSize: number) {
    if (!can(actor, 'locations:import')) return null
    await failAbandonedSaves(db, clock)
    return importsPage(db, importsOwner(actor), { number: page, size: pageSize })
  }

  async function problemsCsv(actor: Actor, id: string) {
    if (!(await getImport(actor, id))) return null
    return problemsCsvOf(db, id)
  }

  // Starts the save and returns at once; the progress page follows it. The save's failure is its
  // record's (and the log's), never the process's.
  async function confirm(actor: Actor, id: string, log: TaskLog): Promise<boolean> {
    const found = await getImport(actor, id)
    if (found?.status !== 'previewed') return false
    if (!(await claimForSaving(db, clock, id))) return false
    progress.set(id, { done: 0, total: found.counts.create + found.counts.update + found.counts.close })
    const by = { userId: actor.userId, organisationId: actor.organisationId }
    void inBackground(log, 'CQC import save failed', { importId: id }, () =>
      saveClaimedImport(db, clock, id, by, (done, total) => progress.set(id, { done, total })),
    ).finally(() => progress.delete(id))
    return true
  }

  // A failed import checked again from its stored file: a new preview, to confirm as before.
  async function runAgain(actor: Actor, id: string) {
    const found = await getImport(actor, id)
    if (found?.status !== 'failed') return null
    const content = await storedFile(await storedFileContent(db, id))
    const { fileName, areaName, closeMissing } = found
    return preview(actor, { fileName, content, areaName, closeMissing })
  }

  return { areaChoices, councilNamesFor, preview, getImport, listImports, problemsCsv, confirm, runAgain }
}

export type CqcImportService = ReturnType<typeof createCqcImportService>
