import type { Db } from '../../db/database.ts'
import type { Clock } from '../../domain/clock.ts'
import { createFiguresService } from './figures.service.ts'
import { createRequestService } from './requests.service.ts'
import { createStockService } from './stock.service.ts'

// PPE supply's use cases: the stores and their ledger, emergency requests, the charging policy and the
// figures. Each checks the actor against the access policy and audits every change in its transaction.
export function createPpeSupplyService(deps: { db: Db; clock: Clock }) {
  const figures = createFiguresService(deps)
  return {
    stock: createStockService(deps),
    requests: createRequestService(deps),
    figures,
    // For other capabilities (the public provider-support return): PPE value issued to providers in a
    // council between two ISO dates, inclusive, in pence. The caller checks its actor's access.
    valueIssuedInCouncil: figures.valueIssuedInCouncil,
    now: () => deps.clock.now(),
  }
}

export type PpeSupplyService = ReturnType<typeof createPpeSupplyService>
