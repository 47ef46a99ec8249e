import { describe, expect, it } from 'vitest'
import { type RoundForm, validateRound } from './round-rules.ts'

const form: RoundForm = {
  name: 'Infection Control Fund 2020, round 1',
  pot: '£18,400,000.00',
  retained: '50,000',
  retainedPurpose: 'Emergency staffing',
  formulaShare: '75',
  discretionaryShare: '25',
  basis: 'registered_beds',
  snapshotDay: '15',
  snapshotMonth: '5',
  snapshotYear: '2020',
  roundDay: '22',
  roundMonth: '5',
  roundYear: '2020',
  passOnDays: '10',
  tranche1Day: '29',
  tranche1Month: '5',
  tranche1Year: '2020',
  tranche1Share: '50',
  tranche2Day: '24',
  tranche2Month: '7',
  tranche2Year: '2020',
  tranche2Share: '50',
  measuresAllowed: 'Isolating residents\nRestricting staff movement',
  measuresNotAllowed: 'PPE',
  rules: ['registered-open'],
  clawback: 'yes',
  funderId: 'gb-lae-nmc',
}

describe('a round as finance types it', () => {
  it('becomes a round with its money in pence and shares in basis points', () => {
    const checked = validateRound(form)
    expect(checked.ok).toBe(true)
    if (!checked.ok) return
    expect(checked.value.potPence).toBe(1_840_000_000n)
    expect(checked.value.retainedPence).toBe(5_000_000n)
    expect(checked.value.formulaShareBp).toBe(7500)
    expect(checked.value.tranches).toEqual([
      { number: 1, payOn: '2020-05-29', shareBp: 5000 },
      { number: 2, payOn: '2020-07-24', shareBp: 5000 },
    ])
    expect(checked.value.funderId).toBe('GB-LAE-NMC')
  })

  it('names the field of each mistake', () => {
    const checked = validateRound({
      ...form,
      pot: '18.4M',
      formulaShare: '75',
      discretionaryShare: '20',
      tranche1Day: '1',
      measuresAllowed: ' ',
      funderId: 'E10000099',
    })
    expect(checked.ok).toBe(false)
    if (checked.ok) return
    expect(checked.errors).toEqual({
      pot: 'The pot must be an amount of money, like £1,250,000.00',
      formulaShare: 'The formula and discretionary shares must add up to 100 %',
      tranche1Date: 'The first tranche’s payment date must be on or after the round’s date, 22 May 2020',
      measuresAllowed: 'Enter the measures the money may be spent on, one a line',
      funderId: 'Enter the council’s 360Giving identifier, like GB-LAE-BIR',
    })
    const shares = validateRound({ ...form, tranche2Share: '40' })
    expect(shares.ok ? null : shares.errors).toEqual({
      tranche1Share: 'The tranches’ shares must add up to 100 %',
    })
  })
})

describe('a round with a share per person supported to home care', () => {
  it('sums the formula, home care and discretionary shares to 100 %, with the formula per bed', () => {
    const ok = validateRound({ ...form, formulaShare: '70', homeCareShare: '10', discretionaryShare: '20' })
    expect(ok.ok && ok.value.homeCareShareBp).toBe(1000)
    const over = validateRound({ ...form, formulaShare: '75', homeCareShare: '10', discretionaryShare: '25' })
    expect(over.ok ? null : over.errors).toEqual({
      formulaShare: 'The formula, home care and discretionary shares must add up to 100 %',
    })
    const perPerson = validateRound({
      ...form,
      basis: 'people_supported',
      formulaShare: '70',
      homeCareShare: '10',
      discretionaryShare: '20',
    })
    expect(perPerson.ok ? null : perPerson.errors).toEqual({
      homeCareShare:
        'A share per person supported to home care needs the formula to be per registered or occupied bed',
    })
    const notPercent = validateRound({ ...form, homeCareShare: 'ten' })
    expect(notPercent.ok ? null : Object.keys(notPercent.errors)).toEqual(['homeCareShare'])
  })
})
