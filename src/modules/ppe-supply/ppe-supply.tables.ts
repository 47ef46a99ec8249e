import type { ColumnType, Generated } from 'kysely'
import type { DateOnly, Json, Timestamp } from '../../db/columns.ts'

// This capability's tables, as TypeScript sees them (src/db/schema.ts gathers every capability's).
// Money is integer pence in bigint columns: read as text or bigint by the drivers, so always Number()ed.
type Pence = ColumnType<string | number | bigint, number, number>
type Big = ColumnType<string | number | bigint, number, number>

export type PpeItemTable = {
  id: Generated<string>
  councilId: string
  name: string
  unit: string
  packSize: number
  createdAt: Timestamp
}

export type PpeItemPriceTable = {
  itemId: string
  effectiveFrom: DateOnly
  unitPricePence: Pence
  recordedBy: string | null
  recordedAt: Timestamp
}

export type PpeStoreKind = 'central_store' | 'hospital_hub' | 'local_hub'

export type PpeStoreTable = {
  id: Generated<string>
  councilId: string
  name: string
  kind: ColumnType<PpeStoreKind, PpeStoreKind | undefined, PpeStoreKind>
  address: string | null
  createdAt: Timestamp
}

// `alertedAt`: when the PPE team was e-mailed that the stock fell below the threshold (null: armed).
export type PpeStockThresholdTable = {
  storeId: string
  itemId: string
  threshold: number
  alertedAt: ColumnType<Date | null, Date | null | undefined, Date | null>
}

export type PpeBatchTable = {
  id: Generated<string>
  storeId: string
  itemId: string
  expiresOn: DateOnly | null
  receivedOn: DateOnly
}

export type PpeBatchBalanceTable = { batchId: string; storeId: string; itemId: string; quantity: Big }

export type PpeStockBalanceTable = { storeId: string; itemId: string; quantity: Big }

export type PpeMoveKind =
  | 'receipt'
  | 'issue'
  | 'transfer_out'
  | 'transfer_in'
  | 'return'
  | 'write_off'
  | 'count_adjustment'

export type PpeRoute = 'emergency' | 'order'

export type PpeStockMoveTable = {
  id: Generated<string>
  storeId: string
  itemId: string
  batchId: string
  kind: PpeMoveKind
  quantity: number
  occurredOn: DateOnly
  reason: string | null
  source: string | null
  supplier: string | null
  costPence: Pence | null
  invoiceReference: string | null
  locationId: string | null
  requestId: string | null
  route: PpeRoute | null
  free: boolean | null
  unitPricePence: Pence | null
  chargedPence: Pence | null
  otherStoreId: string | null
  recordedBy: string | null
  recordedAt: Timestamp
}

export type PpeRequestStatus = 'requested' | 'approved' | 'declined' | 'picked' | 'dispatched' | 'delivered'

export type PpeRequestTable = {
  id: Generated<string>
  reference: Generated<string>
  councilId: string
  locationId: string
  providerId: string
  channel: 'web' | 'phone'
  status: PpeRequestStatus
  hasCases: boolean
  outbreak: boolean
  rag: string | null
  priority: number
  priorityReasons: Json
  targetHours: number
  notes: string | null
  requestedBy: string | null
  requestedAt: Timestamp
  decidedBy: string | null
  decidedAt: Timestamp | null
  partApproved: ColumnType<boolean, boolean | undefined, boolean>
  declineReason: string | null
  storeId: string | null
  pickedAt: Timestamp | null
  dispatchedAt: Timestamp | null
  deliveredAt: Timestamp | null
  receivedBy: string | null
  updatedAt: Timestamp
}

export type PpeRequestLineTable = {
  requestId: string
  itemId: string
  quantityAsked: number
  coverDays: number | null
  quantityApproved: number | null
}

export type PpePriorityCondition = 'no_cover_24h' | 'outbreak' | 'red_rag' | 'has_cases' | 'any'

export type PpePriorityRuleTable = {
  id: Generated<string>
  councilId: string | null
  condition: PpePriorityCondition
  label: string
  weight: number
  targetHours: number
}

export type PpeChargingRuleTable = {
  id: Generated<string>
  councilId: string
  effectiveFrom: DateOnly
  itemId: string | null
  route: PpeRoute | null
  charge: 'free' | 'chargeable'
  note: string | null
  recordedBy: string | null
  recordedAt: Timestamp
}

export type PpeRecoveryChangeTable = {
  id: Generated<string>
  councilId: string
  effectiveFrom: DateOnly
  paused: boolean
  note: string | null
  recordedBy: string | null
  recordedAt: Timestamp
}

export type PpeSupplyTables = {
  ppeItems: PpeItemTable
  ppeItemPrices: PpeItemPriceTable
  ppeStores: PpeStoreTable
  ppeStockThresholds: PpeStockThresholdTable
  ppeBatches: PpeBatchTable
  ppeBatchBalances: PpeBatchBalanceTable
  ppeStockBalances: PpeStockBalanceTable
  ppeStockMoves: PpeStockMoveTable
  ppeRequests: PpeRequestTable
  ppeRequestLines: PpeRequestLineTable
  ppePriorityRules: PpePriorityRuleTable
  ppeChargingRules: PpeChargingRuleTable
  ppeRecoveryChanges: PpeRecoveryChangeTable
}
