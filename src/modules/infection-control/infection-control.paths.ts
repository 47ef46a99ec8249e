import { pagePath } from '../../web/page-path.ts'

// Infection control's pages: each pattern is its route's, and every link is built from it.
export const ipcPaths = {
  ipcVisits: pagePath('/infection-control/visits'),
  planIpcVisit: pagePath('/locations/:id/ipc-visits/new'),
  ipcVisit: pagePath('/infection-control/visits/:id'),
  recordIpcVisit: pagePath('/infection-control/visits/:id/record'),
  cancelIpcVisit: pagePath('/infection-control/visits/:id/cancel'),
  ipcActionDone: pagePath('/infection-control/actions/:id/done'),
  ipcChecklist: pagePath('/infection-control/checklist'),
  ipcFigures: pagePath('/infection-control/figures'),
}
