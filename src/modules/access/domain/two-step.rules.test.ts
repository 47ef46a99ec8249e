import { describe, expect, it } from 'vitest'
import {
  displayRecoveryCode,
  readEnteredCode,
  stageAfterPassword,
  timeStepAt,
  twoStepRequired,
} from './two-step.rules.ts'

describe('two-step sign-in rules', () => {
  it('requires it of admins, finance officers and install admins only', () => {
    expect(['admin', 'finance_officer', 'install_admin'].every(twoStepRequired)).toBe(true)
    expect(['council_officer', 'viewer', 'provider_manager'].some(twoStepRequired)).toBe(false)
  })

  it('decides what is due after a correct password', () => {
    expect(stageAfterPassword({ role: 'viewer', twoStepSetUp: false })).toBe('signed_in')
    expect(stageAfterPassword({ role: 'viewer', twoStepSetUp: true })).toBe('two_step_due')
    expect(stageAfterPassword({ role: 'admin', twoStepSetUp: false })).toBe('two_step_setup_due')
    expect(stageAfterPassword({ role: 'admin', twoStepSetUp: true })).toBe('two_step_due')
  })

  it('reads an app code or a recovery code as people type them', () => {
    expect(readEnteredCode(' 123 456 ')).toEqual({ kind: 'app', code: '123456' })
    expect(readEnteredCode('ABCDE-FGHJK')).toEqual({ kind: 'recovery', code: 'abcdefghjk' })
    expect(readEnteredCode('12345')).toBeNull()
    expect(readEnteredCode('abcde-fghj1')).toBeNull()
    expect(readEnteredCode('')).toBeNull()
    expect(displayRecoveryCode('abcdefghjk')).toBe('abcde-fghjk')
  })

  it('counts time in 30-second steps', () => {
    expect(timeStepAt(new Date(59_000))).toBe(1)
    expect(timeStepAt(new Date(60_000))).toBe(2)
  })
})
