import { pagePath, pagePathWith } from '../../web/page-path.ts'

const withQuery = (base: string, query: Record<string, string | undefined>) => {
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries(query)) if (v) params.set(k, v)
  const text = params.toString()
  return text ? `${base}?${text}` : base
}

// Paying providers' pages: each pattern is its route's, and every link is built from it.
export const paymentsPaths = {
  payments: pagePath('/payments'),
  packages: pagePath('/payments/packages'),
  newPackage: pagePath('/payments/packages/new'),
  newPaymentImport: pagePathWith('/payments/imports/new', (kind?: string) =>
    withQuery('/payments/imports/new', { kind }),
  ),
  paymentImport: pagePath('/payments/imports/:id'),
  confirmPaymentImport: pagePath('/payments/imports/:id/confirm'),
  schemes: pagePath('/payments/schemes'),
  newScheme: pagePath('/payments/schemes/new'),
  newRun: pagePath('/payments/runs/new'),
  paymentRun: pagePathWith('/payments/runs/:id', (id: string, page?: string) =>
    withQuery(`/payments/runs/${encodeURIComponent(id)}`, { page }),
  ),
  paymentRunCsv: pagePath('/payments/runs/:id/export.csv'),
  paymentRunXlsx: pagePath('/payments/runs/:id/export.xlsx'),
  approveRun: pagePath('/payments/runs/:id/approve'),
  recordPayment: pagePath('/payments/runs/:id/paid'),
  paymentLine: pagePath('/payments/lines/:id'),
  holdLine: pagePath('/payments/lines/:id/hold'),
  correctLine: pagePath('/payments/lines/:id/correct'),
  supportReturn: pagePathWith('/payments/provider-support', (asAt?: string) =>
    withQuery('/payments/provider-support', { asAt }),
  ),
  supportReturnDocx: pagePathWith('/payments/provider-support.docx', (asAt?: string) =>
    withQuery('/payments/provider-support.docx', { asAt }),
  ),
  supportReturnCsv: pagePathWith('/payments/provider-support.csv', (asAt?: string) =>
    withQuery('/payments/provider-support.csv', { asAt }),
  ),
  supportWording: pagePath('/payments/provider-support/wording'),
  supportPayments: pagePathWith(
    '/payments/provider-support/payments',
    (asAt: string, contracted: string, category?: string) =>
      withQuery('/payments/provider-support/payments', { asAt, contracted, category }),
  ),
  transparencyCsv: pagePathWith('/payments/transparency.csv', (from?: string, to?: string) =>
    withQuery('/payments/transparency.csv', { from, to }),
  ),
}
