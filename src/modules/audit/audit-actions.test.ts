import { describe, expect, it } from 'vitest'
import type { AuditEntry } from './audit.repository.ts'
import { type AuditActionName, auditActions } from './audit-actions.ts'

describe('audit actions, declared by each capability', () => {
  it('keeps the stored names a capability declares', () => {
    const declared = auditActions({ thingMade: 'test-thing-made', thingGone: 'test-thing-gone' })
    expect(declared).toEqual({ thingMade: 'test-thing-made', thingGone: 'test-thing-gone' })
    const name: AuditActionName = declared.thingMade
    expect(name).toBe('test-thing-made')
  })

  it('refuses a stored name declared a second time, by any capability', () => {
    auditActions({ once: 'test-declared-once' })
    expect(() => auditActions({ again: 'test-declared-once' })).toThrow(
      "The audit action 'test-declared-once' is declared twice",
    )
  })

  it('takes no undeclared name in a record (checked by the compiler)', () => {
    const entry = (action: AuditActionName): Pick<AuditEntry, 'action'> => ({ action })
    // @ts-expect-error a bare string is not a declared action
    expect(entry('made-up-action').action).toBe('made-up-action')
  })
})
