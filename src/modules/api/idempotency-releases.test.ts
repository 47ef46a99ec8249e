import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { fixedClock } from '../../domain/clock.ts'
import { createKeyReleases } from './idempotency-releases.ts'

// The releases a failed request owes, with a stand-in for the database's delete that the test makes
// fail (the database away) or succeed (back), and records what was deleted.
function setUp() {
  const clock = fixedClock(new Date('2020-04-14T08:00:00Z'))
  const deleted: string[] = []
  // Each successful delete's claims.
  const calls: number[] = []
  let away = true
  let inFlight = 0
  let mostInFlight = 0
  const releases = createKeyReleases({
    clock,
    forgetAfterMs: 5 * 60_000,
    release: async (_tokenId, key, claims) => {
      inFlight++
      mostInFlight = Math.max(mostInFlight, inFlight)
      await new Promise((resolve) => setTimeout(resolve, 10))
      inFlight--
      if (away)
        throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })
      for (const claimedAt of claims) deleted.push(`${key}@${claimedAt.toISOString()}`)
      calls.push(claims.length)
    },
  })
  return {
    clock,
    releases,
    deleted,
    calls,
    mostInFlight: () => mostInFlight,
    back: () => {
      away = false
    },
  }
}

describe('the Idempotency-Key releases a failed request owes', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  const at = new Date('2020-04-14T07:59:59Z')

  it('releases at once when the database answers, owing nothing', async () => {
    const s = setUp()
    s.back()
    const done = s.releases.release('token', 'key-1', at)
    await vi.advanceTimersByTimeAsync(10)
    await done
    expect(s.deleted).toEqual(['key-1@2020-04-14T07:59:59.000Z'])
    expect(s.releases.owed()).toBe(0)
  })

  it('owes a release that fails, without failing the request, and makes it in the background once the database is back', async () => {
    const s = setUp()
    const done = s.releases.release('token', 'key-1', at)
    await vi.advanceTimersByTimeAsync(10)
    await expect(done).resolves.toBeUndefined()
    expect(s.releases.owed()).toBe(1)
    await vi.advanceTimersByTimeAsync(3_000)
    expect(s.releases.owed()).toBe(1)
    s.back()
    await vi.advanceTimersByTimeAsync(1_100)
    expect(s.deleted).toEqual(['key-1@2020-04-14T07:59:59.000Z'])
    expect(s.releases.owed()).toBe(0)
    // Nothing more to do: no further attempts.
    await vi.advanceTimersByTimeAsync(5_000)
    expect(s.deleted).toHaveLength(1)
  })

  it('makes an owed release before the same key is claimed again here, and refuses while it cannot', async () => {
    const s = setUp()
    const done = s.releases.release('token', 'key-1', at)
    await vi.advanceTimersByTimeAsync(10)
    await done
    const refused = s.releases.settle('token', 'key-1')
    const refusal = expect(refused).rejects.toMatchObject({ code: 'ECONNREFUSED' })
    await vi.advanceTimersByTimeAsync(10)
    await refusal
    s.back()
    const settled = s.releases.settle('token', 'key-1')
    await vi.advanceTimersByTimeAsync(10)
    await settled
    expect(s.deleted).toEqual(['key-1@2020-04-14T07:59:59.000Z'])
    expect(s.releases.owed()).toBe(0)
    // Another key owes nothing: settling it costs nothing.
    await s.releases.settle('token', 'key-2')
    expect(s.deleted).toHaveLength(1)
  })

  it('waits for a release the background has started rather than deleting twice at once', async () => {
    const s = setUp()
    const done = s.releases.release('token', 'key-1', at)
    await vi.advanceTimersByTimeAsync(10)
    await done
    s.back()
    // The background's attempt starts at 1 s and takes 10 ms; the retry's claim comes in between.
    await vi.advanceTimersByTimeAsync(1_002)
    const settled = s.releases.settle('token', 'key-1')
    await vi.advanceTimersByTimeAsync(20)
    await settled
    expect(s.deleted).toEqual(['key-1@2020-04-14T07:59:59.000Z'])
    expect(s.mostInFlight()).toBe(1)
  })

  it('forgets a release once the claim is old enough to be taken over anyway', async () => {
    const s = setUp()
    const done = s.releases.release('token', 'key-1', at)
    await vi.advanceTimersByTimeAsync(10)
    await done
    s.clock.set(new Date(at.getTime() + 5 * 60_000))
    await vi.advanceTimersByTimeAsync(1_100)
    expect(s.releases.owed()).toBe(0)
    expect(s.deleted).toEqual([])
  })

  it('owes every claim of a key that failed more than once, and releases them together', async () => {
    const s = setUp()
    const later = new Date('2020-04-14T08:00:00Z')
    for (const claimedAt of [at, later]) {
      const done = s.releases.release('token', 'key-1', claimedAt)
      await vi.advanceTimersByTimeAsync(10)
      await done
    }
    expect(s.releases.owed()).toBe(1)
    s.back()
    await vi.advanceTimersByTimeAsync(1_100)
    expect(s.deleted).toEqual(['key-1@2020-04-14T07:59:59.000Z', 'key-1@2020-04-14T08:00:00.000Z'])
    expect(s.calls).toEqual([2])
    expect(s.releases.owed()).toBe(0)
  })

  it('takes in a claim that failed while a release of the same key was under way', async () => {
    const s = setUp()
    const first = s.releases.release('token', 'key-1', at)
    await vi.advanceTimersByTimeAsync(10)
    await first
    s.back()
    await vi.advanceTimersByTimeAsync(1_002)
    const later = new Date('2020-04-14T08:00:00Z')
    const second = s.releases.release('token', 'key-1', later)
    await vi.advanceTimersByTimeAsync(30)
    await second
    expect(s.deleted).toEqual(['key-1@2020-04-14T07:59:59.000Z', 'key-1@2020-04-14T08:00:00.000Z'])
    // The background's delete, then the one the second claim needed, never two at once.
    expect(s.calls).toEqual([1, 1])
    expect(s.releases.owed()).toBe(0)
    expect(s.mostInFlight()).toBe(1)
  })

  it('stops retrying when stopped', async () => {
    const s = setUp()
    const done = s.releases.release('token', 'key-1', at)
    await vi.advanceTimersByTimeAsync(10)
    await done
    s.releases.stop()
    s.back()
    await vi.advanceTimersByTimeAsync(5_000)
    expect(s.deleted).toEqual([])
  })
})
