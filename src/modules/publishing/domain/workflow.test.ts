import { describe, expect, it } from 'vitest'
import { challengeOpen, signOffBlockers, validateCheckDays } from './workflow.ts'

describe('the publishing workflow', () => {
  const checking = { status: 'checking' as const, checkClosesOn: '2020-04-21', openChallenges: 0 }
  it('blocks sign-off during the window and while a challenge is open', () => {
    expect(signOffBlockers(checking, '2020-04-21')).toHaveLength(1)
    expect(signOffBlockers(checking, '2020-04-22')).toEqual([])
    expect(signOffBlockers({ ...checking, openChallenges: 2 }, '2020-04-22')).toEqual([
      '2 challenges from providers must be resolved first',
    ])
    expect(signOffBlockers({ ...checking, status: 'draft', checkClosesOn: null }, '2020-04-22')).toHaveLength(
      1,
    )
  })
  it('takes challenges until the last day of the window', () => {
    expect(challengeOpen(checking, '2020-04-21')).toBe(true)
    expect(challengeOpen(checking, '2020-04-22')).toBe(false)
  })
  it('takes 1 to 20 working days', () => {
    expect(validateCheckDays('5')).toEqual({ ok: true, value: 5 })
    expect(validateCheckDays('0').ok).toBe(false)
    expect(validateCheckDays('x').ok).toBe(false)
  })
})
