import { auditActions } from '../audit/index.ts'

// The names PPE supply's audit records carry.
export const PpeAuditAction = auditActions({
  itemAdded: 'ppe-item-added',
  priceSet: 'ppe-price-set',
  storeAdded: 'ppe-store-added',
  thresholdSet: 'ppe-threshold-set',
  stockReceived: 'ppe-stock-received',
  stockTransferred: 'ppe-stock-transferred',
  stockReturned: 'ppe-stock-returned',
  stockWrittenOff: 'ppe-stock-written-off',
  stockCounted: 'ppe-stock-counted',
  requestMade: 'ppe-request-made',
  requestApproved: 'ppe-request-approved',
  requestDeclined: 'ppe-request-declined',
  requestPicked: 'ppe-request-picked',
  requestDispatched: 'ppe-request-dispatched',
  requestDelivered: 'ppe-request-delivered',
  chargingRuleAdded: 'ppe-charging-rule-added',
  recoveryChanged: 'ppe-recovery-changed',
})
