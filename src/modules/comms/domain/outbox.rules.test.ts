import { describe, expect, it } from 'vitest'
import { nextAttemptDelaySeconds } from './outbox.rules.ts'

describe('outbox rules', () => {
  it('backs off e-mail retries from 30 seconds to an hour', () => {
    expect([1, 2, 3, 4, 10, 50].map(nextAttemptDelaySeconds)).toEqual([30, 60, 120, 240, 3600, 3600])
  })
})
