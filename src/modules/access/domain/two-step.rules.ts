import type { Role } from '../../../domain/roles.ts'

// Two-step sign-in (a code from an authenticator app after the password). Required for the roles that
// can change users, money or every council's defaults; optional for everyone else.
export const rolesRequiringTwoStep: readonly Role[] = ['admin', 'finance_officer', 'install_admin']

export function twoStepRequired(role: string): boolean {
  return (rolesRequiringTwoStep as readonly string[]).includes(role)
}

// How far a session's sign-in has got. Only 'signed_in' lets anyone in; the others are honoured by the
// code page and the set-up journey alone.
export const sessionStages = ['signed_in', 'two_step_due', 'two_step_setup_due'] as const
export type SessionStage = (typeof sessionStages)[number]

// After a correct password: a code is due if they have set it up; set-up is due if their role needs it.
export function stageAfterPassword(user: { role: string; twoStepSetUp: boolean }): SessionStage {
  if (user.twoStepSetUp) return 'two_step_due'
  return twoStepRequired(user.role) ? 'two_step_setup_due' : 'signed_in'
}

// What a person typed in the code box: six digits from their app (spaces and dashes dropped), a
// recovery code (ten letters and digits, dashes and spaces dropped, case ignored), or neither.
export type EnteredCode = { kind: 'app'; code: string } | { kind: 'recovery'; code: string } | null

export const recoveryCodeAlphabet = 'abcdefghjkmnpqrstuvwxyz23456789'
export const recoveryCodeLength = 10
export const recoveryCodeCount = 10

export function readEnteredCode(typed: string): EnteredCode {
  const compact = typed.replace(/[\s-]/g, '').toLowerCase()
  if (/^\d{6}$/.test(compact)) return { kind: 'app', code: compact }
  if (compact.length === recoveryCodeLength && [...compact].every((c) => recoveryCodeAlphabet.includes(c)))
    return { kind: 'recovery', code: compact }
  return null
}

// Shown in two halves, easier to copy out by hand: "abcde-fghjk".
export function displayRecoveryCode(code: string): string {
  return `${code.slice(0, 5)}-${code.slice(5)}`
}

// Codes from an app are accepted one time step (30 s) either side, for a phone's clock that is a little
// out; a code is refused at or before the last step accepted, so one seen over a shoulder cannot be
// used again.
export const codePeriodSeconds = 30
export const codeToleranceSeconds = 30

export function timeStepAt(now: Date): number {
  return Math.floor(now.getTime() / 1000 / codePeriodSeconds)
}
