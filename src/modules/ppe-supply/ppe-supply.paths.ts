import { pagePath, pagePathWith } from '../../web/page-path.ts'

// PPE supply's pages: each pattern is its route's, and every link is built from it.
export const ppePaths = {
  ppeStores: pagePath('/ppe/stores'),
  newPpeStore: pagePath('/ppe/stores/new'),
  ppeStore: pagePath('/ppe/stores/:id'),
  // A move in a store: its kind (receipt, transfer, return, write-off, count) carried in the query.
  ppeStoreMove: pagePathWith(
    '/ppe/stores/:id/moves/new',
    (storeId: string, kind?: string) =>
      `/ppe/stores/${encodeURIComponent(storeId)}/moves/new${kind ? `?kind=${encodeURIComponent(kind)}` : ''}`,
  ),
  ppeThreshold: pagePath('/ppe/stores/:id/thresholds'),
  ppeItems: pagePath('/ppe/items'),
  newPpeItem: pagePath('/ppe/items/new'),
  ppeItemPrice: pagePath('/ppe/items/:id/prices'),
  ppeCharging: pagePath('/ppe/charging'),
  ppeChargeable: pagePathWith('/ppe/chargeable', (query?: Record<string, string>) =>
    query ? `/ppe/chargeable?${new URLSearchParams(query)}` : '/ppe/chargeable',
  ),
  ppeChargeableCsv: pagePathWith('/ppe/chargeable.csv', (query?: Record<string, string>) =>
    query ? `/ppe/chargeable.csv?${new URLSearchParams(query)}` : '/ppe/chargeable.csv',
  ),
  ppeChargeableXlsx: pagePathWith('/ppe/chargeable.xlsx', (query?: Record<string, string>) =>
    query ? `/ppe/chargeable.xlsx?${new URLSearchParams(query)}` : '/ppe/chargeable.xlsx',
  ),
  ppeFigures: pagePath('/ppe/figures'),
  ppeRequests: pagePath('/ppe/requests'),
  // A new request starts from a location, carried in the query; `fromReturn`: the return's "help
  // requested: PPE" sent the provider here, so the request says why.
  newPpeRequest: pagePathWith('/ppe/requests/new', (locationId?: string, fromReturn?: boolean) =>
    locationId
      ? `/ppe/requests/new?locationId=${encodeURIComponent(locationId)}${fromReturn ? '&from=return' : ''}`
      : '/ppe/requests/new',
  ),
  ppeRequest: pagePath('/ppe/requests/:id'),
  decidePpeRequest: pagePath('/ppe/requests/:id/decision'),
  pickPpeRequest: pagePath('/ppe/requests/:id/pick'),
  dispatchPpeRequest: pagePath('/ppe/requests/:id/dispatch'),
  deliverPpeRequest: pagePath('/ppe/requests/:id/delivery'),
}
