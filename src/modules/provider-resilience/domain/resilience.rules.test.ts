import { describe, expect, it } from 'vitest'
import { riskReasons, validatePlan, validateResilience, validateReview } from './resilience.rules.ts'

const date = (day: string, month: string, year: string) => ({ day, month, year })
const facts = {
  rag: 'green' as const,
  staffEmployed: 50,
  staffAbsent: 5,
  staffingHelpAsked: false,
  planGaps: '',
  planReviewDue: '2020-10-01',
  hasResilienceRecord: true,
  financialConcern: '',
}

describe('provider resilience’s rules', () => {
  it('finds no reason for a green location with staff, a plan without gaps and no concern', () => {
    expect(riskReasons(facts, '2020-04-14')).toEqual([])
  })

  it('gives each reason that applies: RAG, staffing, continuity, finance', () => {
    const reasons = riskReasons(
      {
        ...facts,
        rag: 'amber',
        staffAbsent: 12,
        planGaps: 'No night cover\n\nNo second PPE supplier',
        planReviewDue: '2020-03-01',
        financialConcern: 'Occupancy down',
      },
      '2020-04-14',
    )
    expect(reasons).toEqual([
      { kind: 'rag', text: 'Risk status amber' },
      { kind: 'staffing', text: 'Staffing shortfall: 12 of 50 staff absent (24%)' },
      { kind: 'continuity', text: 'Continuity plan gaps: No night cover; No second PPE supplier' },
      { kind: 'continuity', text: 'Continuity plan review overdue since 2020-03-01' },
      { kind: 'financial', text: 'Financial concern: Occupancy down' },
    ])
    expect(riskReasons({ ...facts, staffingHelpAsked: true }, '2020-04-14')).toEqual([
      { kind: 'staffing', text: 'Staffing shortfall: asked for help with staffing' },
    ])
    expect(riskReasons({ ...facts, staffAbsent: 9 }, '2020-04-14')).toEqual([])
  })

  it('words bad continuity answers for their fields', () => {
    const form = {
      planReference: '',
      planReviewedDate: date('1', '5', '2020'),
      planReviewDueDate: date('', '', ''),
      planGaps: '',
      contingencyProvider: '',
      financialConcern: '',
      fundedByCouncil: '-1',
      fundedByNhs: '',
      selfFunded: '3',
      directPayments: '',
    }
    expect(validateResilience(form, '2020-04-14')).toEqual({
      ok: false,
      errors: {
        planReviewedDate: 'The date the plan was last reviewed must be today or in the past',
        planReference: 'Enter the plan’s link or document reference',
        fundedByCouncil: 'People funded by the council must be a whole number, like 12',
      },
    })
  })

  it('needs indicators, measures, a monitor and a review date for a plan, and findings to close it', () => {
    expect(
      validatePlan(
        {
          triggeringIndicators: ' ',
          measures: 'x',
          monitoredBy: 'y',
          nextReviewDate: date('1', '4', '2020'),
        },
        '2020-04-14',
      ),
    ).toEqual({
      ok: false,
      errors: {
        triggeringIndicators: 'Enter the indicators that show quality falling',
        nextReviewDate: 'The date of the first review must be today or in the future',
      },
    })
    expect(
      validateReview(
        { reviewedDate: date('', '', ''), findings: '', nextReviewDate: date('', '', '') },
        '2020-04-14',
        true,
      ),
    ).toEqual({
      ok: false,
      errors: { reviewedDate: 'Enter the date of the review', findings: 'Enter why the plan can close' },
    })
    expect(
      validateReview(
        { reviewedDate: date('14', '4', '2020'), findings: 'Fine', nextReviewDate: date('', '', '') },
        '2020-04-14',
        false,
      ),
    ).toEqual({ ok: false, errors: { nextReviewDate: 'Enter the date of the next review' } })
  })
})
