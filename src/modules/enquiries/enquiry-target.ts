import type { ExpressionBuilder } from 'kysely'
import type { Db, DbOrTransaction } from '../../db/database.ts'
import type { Database } from '../../db/schema.ts'
import type { Outcome } from '../../domain/outcome.ts'
import type { Actor } from '../../domain/policy.ts'
import { AuditAction, recordAudit } from '../audit/index.ts'
import { enquiryTargetToChange } from './domain/enquiry.rules.ts'
import {
  defaultTargetWorkingDays,
  maxTargetWorkingDays,
  minTargetWorkingDays,
  targetFromSetting,
} from './domain/working-days.ts'

// The enquiry target in working days: each council's own `settings` row, and the install's default (a
// row with no council), which a council added later starts with (migration 0015 copies it). A council's
// administrator changes its council's; the install administrator the default; nobody another's.

export const targetSettingKey = 'enquiry_target_working_days'

const ofCouncil = (councilId: string | null) => (eb: ExpressionBuilder<Database, 'settings'>) =>
  councilId ? eb('settings.councilId', '=', councilId) : eb('settings.councilId', 'is', null)

// A council's target, or the install's default (null).
export async function targetWorkingDays(db: DbOrTransaction, councilId: string | null): Promise<number> {
  const row = await db
    .selectFrom('settings')
    .select('value')
    .where('key', '=', targetSettingKey)
    .where(ofCouncil(councilId))
    .executeTakeFirst()
  return row ? targetFromSetting(row.value) : defaultTargetWorkingDays
}

// The target an actor may change (`requested`: see settings-owner.ts) and its value now; null when it
// may change none.
export async function targetToChange(db: DbOrTransaction, actor: Actor, requested?: string) {
  const owner = enquiryTargetToChange(actor, requested)
  return owner ? { ...owner, days: await targetWorkingDays(db, owner.councilId) } : null
}

export async function setTargetWorkingDays(
  db: Db,
  actor: Actor,
  raw: string,
  now: Date,
  requested?: string,
): Promise<Outcome<{ days: number; councilId: string | null }> | null> {
  const owner = enquiryTargetToChange(actor, requested)
  if (!owner) return null
  const days = Number(raw.trim())
  if (!raw.trim() || !Number.isInteger(days) || days < minTargetWorkingDays || days > maxTargetWorkingDays)
    return {
      ok: false,
      errors: {
        days: `Enter a whole number of working days from ${minTargetWorkingDays} to ${maxTargetWorkingDays}`,
      },
    }
  const { councilId } = owner
  await db.transaction().execute(async (trx) => {
    const before = await targetWorkingDays(trx, councilId)
    const value = JSON.stringify(days)
    // One row per council and key, and one for the install's default: each a partial unique index.
    await trx
      .insertInto('settings')
      .values({ councilId, key: targetSettingKey, value, updatedBy: actor.userId, updatedAt: now })
      .onConflict((oc) =>
        (councilId
          ? oc.columns(['councilId', 'key']).where('councilId', 'is not', null)
          : oc.column('key').where('councilId', 'is', null)
        ).doUpdateSet({ value, updatedBy: actor.userId, updatedAt: now }),
      )
      .execute()
    // Under the council whose target changed (the install administrator's organisation otherwise).
    await recordAudit(trx, {
      actorUserId: actor.userId,
      organisationId: councilId ?? actor.organisationId,
      action: AuditAction.settingChanged,
      entityType: 'setting',
      entityId: null,
      before: { councilId, key: targetSettingKey, value: before },
      after: { councilId, key: targetSettingKey, value: days },
      occurredAt: now,
    })
  })
  return { ok: true, value: { days, councilId } }
}
