// Sign-in lockout: after too many wrong passwords an account is locked for a while.
export const maxFailedSignIns = 10
export const lockoutMinutes = 15

export type SignInState = { failedSignInCount: number; lockedUntil: Date | null }

export function isLocked(state: { lockedUntil: Date | null }, now: Date): boolean {
  return state.lockedUntil !== null && state.lockedUntil.getTime() > now.getTime()
}

export type FailedSignInOutcome = { failedSignInCount: number; lockedUntil: Date | null; justLocked: boolean }

export function afterFailedSignIn(state: SignInState, now: Date): FailedSignInOutcome {
  // A lock that has run out starts the count afresh.
  const previous =
    state.lockedUntil && state.lockedUntil.getTime() <= now.getTime() ? 0 : state.failedSignInCount
  const failedSignInCount = previous + 1
  if (failedSignInCount >= maxFailedSignIns) {
    return {
      failedSignInCount,
      lockedUntil: new Date(now.getTime() + lockoutMinutes * 60_000),
      justLocked: true,
    }
  }
  return { failedSignInCount, lockedUntil: null, justLocked: false }
}

// Session lifetimes: idle 30 minutes, absolute 12 hours.
export const sessionIdleMinutes = 30
export const sessionAbsoluteHours = 12

export function isSessionLive(session: { createdAt: Date; lastSeenAt: Date }, now: Date): boolean {
  const idleMs = now.getTime() - session.lastSeenAt.getTime()
  const ageMs = now.getTime() - session.createdAt.getTime()
  return idleMs < sessionIdleMinutes * 60_000 && ageMs < sessionAbsoluteHours * 3_600_000
}

export const minimumPasswordLength = 12

export function passwordProblem(password: string, email: string): string | null {
  if (password.length < minimumPasswordLength)
    return `Password must be ${minimumPasswordLength} characters or more`
  if (password.length > 256) return 'Password must be 256 characters or fewer'
  if (password.toLowerCase().includes(email.split('@')[0]!.toLowerCase())) {
    return 'Password must not contain your e-mail address'
  }
  return null
}
