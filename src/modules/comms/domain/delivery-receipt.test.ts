import { describe, expect, it } from 'vitest'
import { deliveryReceiptFrom } from './delivery-receipt.ts'

const receipt = {
  id: 'f2c4b1d2-1111-4aaa-8bbb-222233334444',
  reference: '0b7c6a1e-5d4f-4c3b-9a2e-1f0e9d8c7b6a',
  to: 'manager@provider.example',
  status: 'permanent-failure',
  created_at: '2020-04-14T09:00:00.000000Z',
  completed_at: '2020-04-14T09:00:05.000000Z',
  sent_at: '2020-04-14T09:00:01.000000Z',
  notification_type: 'email',
}

describe('Notify delivery receipts', () => {
  it('reads Notify’s callback shape', () => {
    expect(deliveryReceiptFrom(receipt)).toEqual({
      notifyId: receipt.id,
      reference: receipt.reference,
      to: receipt.to,
      status: 'permanent-failure',
      completedAt: new Date('2020-04-14T09:00:05.000Z'),
    })
  })

  it('refuses a receipt that is not one of ours or not an e-mail’s', () => {
    expect(deliveryReceiptFrom({ ...receipt, status: 'opened' })).toBeNull()
    expect(deliveryReceiptFrom({ ...receipt, reference: 'bulletin-7' })).toBeNull()
    expect(deliveryReceiptFrom({ ...receipt, notification_type: 'sms' })).toBeNull()
    expect(deliveryReceiptFrom({ ...receipt, completed_at: 'yesterday' })).toBeNull()
    expect(deliveryReceiptFrom([receipt])).toBeNull()
    expect(deliveryReceiptFrom(null)).toBeNull()
  })
})
