import { describe, expect, it } from 'vitest'
import {
  currentPreparedDemoManifest,
  type PreparedDemoManifest,
  preparedDemoStaleness,
} from './prepared-demo.ts'

// When the demo prepared at install may serve a first start: only what the start would load itself.
describe('whether the prepared demo may be used', () => {
  const current: PreparedDemoManifest = {
    londonDate: '2026-12-06',
    locations: 800,
    pglite: '0.5.16',
    migrations: [{ name: '0001-a', sha256: 'aa' }],
    sources: { 'src/a.ts': '1', 'src/b.ts': '2' },
  }
  const staleness = (change: Partial<PreparedDemoManifest>) =>
    preparedDemoStaleness({ ...current, ...change }, current)

  it('is used when it was made today, by the same code on the same PGlite', () => {
    expect(staleness({})).toBeNull()
  })

  it('is not used on another day, with another PGlite, other migrations or other sources', () => {
    expect(staleness({ londonDate: '2026-12-05' })).toBe('it was made for 2026-12-05, today is 2026-12-06')
    expect(staleness({ locations: 60 })).toBe('it holds 60 locations, not 800')
    expect(staleness({ pglite: '0.5.15' })).toBe('it was made with PGlite 0.5.15, installed 0.5.16')
    expect(staleness({ migrations: [] })).toBe('the migrations have changed since it was made')
    expect(staleness({ migrations: [{ name: '0001-a', sha256: 'ab' }] })).toBe(
      'the migrations have changed since it was made',
    )
    expect(staleness({ sources: { 'src/a.ts': '1', 'src/b.ts': '3' } })).toBe(
      'src/b.ts has changed since it was made',
    )
    expect(staleness({ sources: { 'src/a.ts': '1' } })).toBe('src/b.ts is new since it was made')
    expect(staleness({ sources: { ...current.sources, 'src/c.ts': '4' } })).toBe(
      'src/c.ts has gone since it was made',
    )
  })

  it('records every source file of the app, tests left out, and the London day', () => {
    const now = currentPreparedDemoManifest(new Date('2026-06-30T23:30:00Z'))
    expect(now.londonDate).toBe('2026-07-01')
    expect(Object.keys(now.sources)).toContain('src/db/seed/demo-county.ts')
    expect(Object.keys(now.sources)).toContain('src/db/migrations/0001-foundation.ts')
    expect(Object.keys(now.sources).some((f) => f.endsWith('.test.ts'))).toBe(false)
  })
})
