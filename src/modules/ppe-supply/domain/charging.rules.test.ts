import { describe, expect, it } from 'vitest'
import {
  type ChargingRule,
  chargeForIssue,
  isChargeable,
  penceFromText,
  priceOn,
  recoveryPausedOn,
} from './charging.rules.ts'

const rules: ChargingRule[] = [
  { effectiveFrom: '2020-03-01', itemId: null, route: null, charge: 'chargeable' },
  { effectiveFrom: '2020-05-26', itemId: null, route: 'emergency', charge: 'free' },
  { effectiveFrom: '2020-03-01', itemId: 'ffp3', route: null, charge: 'chargeable' },
]

describe('charging rules', () => {
  it('charges everything before the date, frees emergency supplies from it, keeps FFP3 chargeable', () => {
    expect(isChargeable(rules, 'gloves', 'emergency', '2020-05-25')).toBe(true)
    expect(isChargeable(rules, 'gloves', 'emergency', '2020-05-26')).toBe(false)
    expect(isChargeable(rules, 'gloves', 'order', '2020-06-01')).toBe(true)
    expect(isChargeable(rules, 'ffp3', 'emergency', '2020-06-01')).toBe(true)
    expect(isChargeable([], 'gloves', 'emergency', '2020-06-01')).toBe(true)
  })

  it('prices an issue at the unit price in force on its day', () => {
    const prices = [
      { effectiveFrom: '2020-03-01', unitPricePence: 5 },
      { effectiveFrom: '2020-05-01', unitPricePence: 4 },
    ]
    expect(priceOn(prices, '2020-04-30')).toBe(5)
    expect(priceOn(prices, '2020-05-01')).toBe(4)
    expect(priceOn(prices, '2020-02-01')).toBeNull()
    expect(
      chargeForIssue(rules, prices, {
        itemId: 'gloves',
        route: 'emergency',
        onDate: '2020-05-20',
        quantity: 300,
      }),
    ).toEqual({
      free: false,
      unitPricePence: 4,
      chargedPence: 1200,
    })
    expect(
      chargeForIssue(rules, prices, {
        itemId: 'gloves',
        route: 'emergency',
        onDate: '2020-05-27',
        quantity: 300,
      }),
    ).toEqual({
      free: true,
      unitPricePence: 4,
      chargedPence: 0,
    })
  })

  it('pauses and resumes recovery by date, and reads prices typed in pounds', () => {
    const changes = [
      { effectiveFrom: '2020-05-26', paused: true },
      { effectiveFrom: '2020-09-01', paused: false },
    ]
    expect(recoveryPausedOn(changes, '2020-05-01')).toBe(false)
    expect(recoveryPausedOn(changes, '2020-06-01')).toBe(true)
    expect(recoveryPausedOn(changes, '2020-09-01')).toBe(false)
    expect(penceFromText('£1.25')).toBe(125)
    expect(penceFromText('0.3')).toBe(30)
    expect(penceFromText('1.255')).toBeNull()
  })
})
