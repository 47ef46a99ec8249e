import { defineCapability } from '../../capability.ts'
import type { Clock } from '../../domain/clock.ts'
import { mayManageRiskRules } from '../../domain/early-warning/rules.ts'
import type { Job } from '../../jobs/scheduler.ts'
import { paths } from '../../web/paths.ts'
import { riskOnReturnSave } from './return-save-hook.ts'
import { recomputeQueuedRisk, riskQueueFigures } from './risk-queue.ts'
import { riskRulesRoutes } from './risk-rules.routes.ts'
import { createRiskRulesService, recomputeAll } from './risk-rules.service.ts'

export type { RiskRulesService } from './risk-rules.service.ts'

// The locations whose returns came in through the API, their risk rules run in one batch a second.
export function riskQueueJob({ clock }: { clock: Clock }): Job {
  return {
    name: 'risk-queue',
    lockKey: 7_011,
    intervalSeconds: 1,
    run: (db) => recomputeQueuedRisk(db, clock),
  }
}

// Early warning: each council's declarative risk rules give every location a RAG with reasons.
export const earlyWarning = defineCapability()({
  name: 'early-warning',
  services: ({ db, clock }) => ({ riskRules: createRiskRulesService({ db, clock }) }),
  routes: async (app, { riskRules }) => {
    await app.register(riskRulesRoutes, { riskRules })
  },
  jobs: ({ clock }) => [
    {
      // Time-based risk rules (no return for 2 periods) and windows that move on (cases in 14 days):
      // every location's rules again, writing only what changed. Returns trigger their own recompute.
      name: 'risk-recompute',
      lockKey: 7_005,
      intervalSeconds: 900,
      run: (db) => recomputeAll(db, clock),
    },
    riskQueueJob({ clock }),
  ],
  readiness: riskQueueFigures,
  contributes: { returnSaved: riskOnReturnSave },
  navigation: (actor) =>
    mayManageRiskRules(actor) ? [{ href: paths.riskRules.list(), text: 'Risk rules', order: 120 }] : [],
})
