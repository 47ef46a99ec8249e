import { describe, expect, it } from 'vitest'
import { openSecret, sealSecret } from './secret-box.ts'

const serviceSecret = 'a'.repeat(64)

describe('secret box', () => {
  it('opens what it sealed, and the sealed text does not contain the secret', () => {
    const sealed = sealSecret(serviceSecret, 'sso-client-secret', 'client-secret-123')
    expect(sealed).not.toContain('client-secret-123')
    expect(openSecret(serviceSecret, 'sso-client-secret', sealed)).toBe('client-secret-123')
  })

  it('seals the same text differently each time', () => {
    expect(sealSecret(serviceSecret, 'p', 'x')).not.toBe(sealSecret(serviceSecret, 'p', 'x'))
  })

  it('refuses another purpose, another service secret, an altered value and rubbish', () => {
    const sealed = sealSecret(serviceSecret, 'two-step-key', 'JBSWY3DPEHPK3PXP')
    expect(openSecret(serviceSecret, 'sso-client-secret', sealed)).toBeNull()
    expect(openSecret('b'.repeat(64), 'two-step-key', sealed)).toBeNull()
    const parts = sealed.split('.')
    parts[3] = `${parts[3]!.slice(0, -2)}AA`
    expect(openSecret(serviceSecret, 'two-step-key', parts.join('.'))).toBeNull()
    expect(openSecret(serviceSecret, 'two-step-key', 'not sealed')).toBeNull()
  })
})
