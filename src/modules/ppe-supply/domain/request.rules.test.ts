import { describe, expect, it } from 'vitest'
import {
  checkApproval,
  checkDelivery,
  isOverdue,
  median,
  type PriorityRule,
  prioritise,
  worstFirst,
} from './request.rules.ts'

const rules: PriorityRule[] = [
  { condition: 'no_cover_24h', label: 'No stock cover for the next 24 hours', weight: 100, targetHours: 24 },
  { condition: 'outbreak', label: 'Outbreak at the location', weight: 50, targetHours: 24 },
  { condition: 'red_rag', label: 'Risk status red', weight: 30, targetHours: 48 },
  { condition: 'any', label: 'Emergency request', weight: 0, targetHours: 72 },
]

describe('request rules', () => {
  it('puts requests in order by rules as data', () => {
    expect(prioritise(rules, { lowestCoverDays: 0, outbreak: true, hasCases: true, rag: 'red' })).toEqual({
      priority: 180,
      reasons: ['No stock cover for the next 24 hours', 'Outbreak at the location', 'Risk status red'],
      targetHours: 24,
    })
    expect(prioritise(rules, { lowestCoverDays: 5, outbreak: false, hasCases: false, rag: 'green' })).toEqual(
      {
        priority: 0,
        reasons: [],
        targetHours: 72,
      },
    )
    const a = { priority: 0, requestedAt: new Date('2020-04-14T08:00:00Z') }
    const b = { priority: 100, requestedAt: new Date('2020-04-14T09:00:00Z') }
    const c = { priority: 0, requestedAt: new Date('2020-04-13T08:00:00Z') }
    expect(worstFirst([a, b, c])).toEqual([b, c, a])
  })

  it('flags a request not delivered within its target', () => {
    const r = {
      status: 'dispatched' as const,
      requestedAt: new Date('2020-04-14T08:00:00Z'),
      targetHours: 24,
      deliveredAt: null,
    }
    expect(isOverdue(r, new Date('2020-04-15T07:59:00Z'))).toBe(false)
    expect(isOverdue(r, new Date('2020-04-15T08:01:00Z'))).toBe(true)
    expect(
      isOverdue({ ...r, status: 'delivered', deliveredAt: new Date('2020-04-15T09:00:00Z') }, new Date()),
    ).toBe(true)
    expect(isOverdue({ ...r, status: 'declined' }, new Date('2020-05-01'))).toBe(false)
  })

  it('approves in full or in part, never more than asked, and checks a delivery', () => {
    const lines = [
      { itemId: 'g', itemName: 'gloves', quantityAsked: 100 },
      { itemId: 'm', itemName: 'masks', quantityAsked: 10 },
    ]
    expect(checkApproval(lines, { 'approve-g': '100', 'approve-m': '10' })).toMatchObject({
      ok: true,
      part: false,
    })
    expect(checkApproval(lines, { 'approve-g': '50', 'approve-m': '10' })).toMatchObject({
      ok: true,
      part: true,
    })
    expect(checkApproval(lines, { 'approve-g': '101', 'approve-m': '1.5' })).toEqual({
      ok: false,
      errors: {
        'approve-g': 'You cannot approve more gloves than the 100 asked for',
        'approve-m': 'Quantity of masks must be a whole number, like 12',
      },
    })
    expect(checkApproval(lines, { 'approve-g': '0', 'approve-m': '0' })).toMatchObject({ ok: false })
    const dispatched = new Date('2020-04-14T10:00:00Z')
    const now = new Date('2020-04-14T12:00:00Z')
    expect(
      checkDelivery({ receivedBy: 'Sam', deliveredAt: new Date('2020-04-14T09:00:00Z') }, dispatched, now),
    ).toEqual({
      deliveredDate: 'The delivery date must be the same as or after the dispatch date',
    })
    expect(checkDelivery({ receivedBy: '', deliveredAt: dispatched }, dispatched, now)).toEqual({
      receivedBy: 'Enter the name of the person who received the delivery',
    })
    expect(median([3, 1, 2, 10])).toBe(2.5)
    expect(median([])).toBeNull()
  })
})
