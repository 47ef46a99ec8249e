// GOV.UK Notify's delivery receipt (its callback): what became of one e-mail after Notify accepted it.
// Pure: the posted JSON in, the receipt or what is wrong with it out.

export const deliveryStatuses = [
  'delivered',
  'permanent-failure',
  'temporary-failure',
  'technical-failure',
] as const
export type DeliveryStatus = (typeof deliveryStatuses)[number]

// Failures an officer can act on: the address is wrong or the inbox refuses mail.
export const failedDeliveries: readonly DeliveryStatus[] = ['permanent-failure', 'temporary-failure']

export const deliveryStatusWords: Record<string, string> = {
  delivered: 'Delivered',
  'permanent-failure': 'Bounced: the address does not exist or refuses mail',
  'temporary-failure': 'Not delivered: the inbox was full or unavailable',
  'technical-failure': 'Not delivered: a fault at the mail service',
}

export type DeliveryReceipt = {
  notifyId: string
  reference: string
  to: string
  status: DeliveryStatus
  completedAt: Date | null
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const text = (v: unknown, max: number) => (typeof v === 'string' && v.length <= max ? v : null)

// Notify's shape: id, reference, to, status, created_at, completed_at, sent_at, notification_type.
// Our reference is the outbox message's id (the Notify transport sends it), so only a uuid is ours.
export function deliveryReceiptFrom(body: unknown): DeliveryReceipt | null {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return null
  const b = body as Record<string, unknown>
  const notifyId = text(b.id, 100)
  const reference = text(b.reference, 100)
  const to = text(b.to, 320)
  const status = deliveryStatuses.find((s) => s === b.status)
  if (!notifyId || !reference || !uuid.test(reference) || !to || !status) return null
  if (b.notification_type !== undefined && b.notification_type !== 'email') return null
  const completed = text(b.completed_at, 40)
  const completedAt = completed ? new Date(completed) : null
  if (completedAt && Number.isNaN(completedAt.getTime())) return null
  return { notifyId, reference, to, status, completedAt }
}
