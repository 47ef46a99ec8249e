import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, engines, type TestDatabase } from '../../../test/support/test-database.ts'
import { recordAudit } from './audit.repository.ts'
import { auditActions } from './audit-actions.ts'

const testActions = auditActions({ recorded: 'audit-trail-test-recorded' })

describe.each(engines)('the audit trail on %s', (engine) => {
  let t: { database: TestDatabase }

  beforeAll(async () => {
    t = { database: await createTestDatabase(engine) }
    // The guard is a row trigger: it needs a record to guard.
    await recordAudit(t.database.db, {
      actorUserId: null,
      organisationId: null,
      action: testActions.recorded,
      entityType: 'test',
      entityId: null,
      after: { passwordHash: 'secret', kept: 1 },
      occurredAt: new Date('2020-04-14T08:00:00Z'),
    })
  })
  afterAll(async () => {
    await t?.database.drop()
  })

  it('keeps no secret in a record', async () => {
    const row = await t.database.db.selectFrom('auditEvents').select('after').executeTakeFirstOrThrow()
    expect(row.after).toEqual({ kept: 1 })
  })

  it('refuses to change or delete an audit record', async () => {
    await expect(sql`update audit_events set action = 'tampered'`.execute(t.database.db)).rejects.toThrow(
      /append-only/,
    )
    await expect(sql`delete from audit_events`.execute(t.database.db)).rejects.toThrow(/append-only/)
  })
})
