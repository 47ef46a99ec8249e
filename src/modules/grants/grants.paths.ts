import { pagePath, pagePathWith } from '../../web/page-path.ts'

// The grants' pages: each pattern is its route's, and every link is built from it.
export const grantsPaths = {
  grants: pagePath('/grants'),
  newGrantRound: pagePath('/grants/rounds/new'),
  grantRound: pagePath('/grants/rounds/:id'),
  changeGrantRound: pagePath('/grants/rounds/:id/change'),
  grantRoundPot: pagePath('/grants/rounds/:id/pot'),
  grantRoundPreview: pagePath('/grants/rounds/:id/preview'),
  grantRoundCommit: pagePath('/grants/rounds/:id/commit'),
  grantTranchePayments: pagePath('/grants/rounds/:id/tranches/:trancheId/payments'),
  grantRoundOpenData: pagePath('/grants/rounds/:id/360giving.json'),
  grantAllocation: pagePath('/grants/allocations/:id'),
  grantDecision: pagePath('/grants/allocations/:id/decision'),
  grantSpendReturn: pagePath('/grants/allocations/:id/spend'),
  grantRecovery: pagePath('/grants/allocations/:id/recovery'),
  // The council's return to government: spending by measure, for a round (the latest when none given).
  grantSpendSummaryCsv: pagePathWith('/grants/spend-summary.csv', (roundId?: string) =>
    roundId ? `/grants/spend-summary.csv?round=${encodeURIComponent(roundId)}` : '/grants/spend-summary.csv',
  ),
  grantSpendSummaryXlsx: pagePathWith('/grants/spend-summary.xlsx', (roundId?: string) =>
    roundId
      ? `/grants/spend-summary.xlsx?round=${encodeURIComponent(roundId)}`
      : '/grants/spend-summary.xlsx',
  ),
}
