import { describe, expect, it } from 'vitest'
import { afterFailedSignIn, isLocked, isSessionLive, passwordProblem } from './sign-in.rules.ts'

const t0 = new Date('2020-04-14T08:00:00Z')
const plus = (minutes: number) => new Date(t0.getTime() + minutes * 60_000)

describe('sign-in rules', () => {
  it('locks on the tenth wrong password, for 15 minutes', () => {
    let state = { failedSignInCount: 0, lockedUntil: null as Date | null }
    for (let i = 1; i <= 9; i++) {
      const outcome = afterFailedSignIn(state, t0)
      expect(outcome.justLocked).toBe(false)
      state = outcome
    }
    const tenth = afterFailedSignIn(state, t0)
    expect(tenth).toEqual({ failedSignInCount: 10, lockedUntil: plus(15), justLocked: true })
    expect(isLocked(tenth, plus(14.99))).toBe(true)
    expect(isLocked(tenth, plus(15))).toBe(false)
  })

  it('starts counting afresh once a lock has run out', () => {
    const outcome = afterFailedSignIn({ failedSignInCount: 10, lockedUntil: plus(15) }, plus(16))
    expect(outcome).toEqual({ failedSignInCount: 1, lockedUntil: null, justLocked: false })
  })

  it('ends sessions idle for 30 minutes or older than 12 hours', () => {
    expect(isSessionLive({ createdAt: t0, lastSeenAt: t0 }, plus(29))).toBe(true)
    expect(isSessionLive({ createdAt: t0, lastSeenAt: t0 }, plus(30))).toBe(false)
    expect(isSessionLive({ createdAt: t0, lastSeenAt: plus(12 * 60 - 1) }, plus(12 * 60))).toBe(false)
  })

  it('asks for passwords of 12 or more characters that do not contain the e-mail name', () => {
    expect(passwordProblem('short', 'a@b.org')).toMatch(/12 characters/)
    expect(passwordProblem('priya-shah-is-great', 'priya-shah@b.org')).toMatch(/e-mail/)
    expect(passwordProblem('correct horse battery', 'priya@b.org')).toBeNull()
  })
})
