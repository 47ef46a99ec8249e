import type { Db } from '../../db/database.ts'
import type { Clock } from '../../domain/clock.ts'
import type { Actor } from '../../domain/policy.ts'
import { defaultSuppressionRule, forPublication, renderDocx } from '../publishing/index.ts'
import { mayReadPlan } from './domain/action-plan.rules.ts'
import { buildProgressReport } from './progress-report.ts'

// The progress report as it stands now, for anyone who reads the plan: built by the same builder a
// published version is (`buildProgressReport`), with small numbers withheld and sensitive columns left
// out just as publishing would, so what is read here is what would be published at this instant.
export function createLiveReport(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps

  async function liveReport(actor: Actor) {
    const councilId = mayReadPlan(actor) ? actor.councilIds[0] : undefined
    if (!councilId) return null
    const at = clock.now()
    return {
      at,
      content: forPublication(await buildProgressReport(db, councilId, at), defaultSuppressionRule),
    }
  }

  // The same, as a Word document (publishing's renderer, marked as not published).
  async function liveReportDocx(actor: Actor) {
    const report = await liveReport(actor)
    return report ? { at: report.at, docx: await renderDocx(report.content, null) } : null
  }

  return { liveReport, liveReportDocx }
}
