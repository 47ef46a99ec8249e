import type { Db } from '../../db/database.ts'
import type { Clock } from '../../domain/clock.ts'
import type { Actor } from '../../domain/policy.ts'
import { checkNilReturn } from './domain/exceptions.ts'
import type { ReturnSaver } from './return-save.ts'
import { checkSubmission, type SubmitOptions, type SubmitOutcome } from './submission-check.ts'

// A nil return: a location says, in one action, that it has no figures this period (no people supported,
// temporarily closed), and why. It is a version like any other, saved through the one save path with its
// audit record and every capability's hook, and counts as reported; its values are empty and it is marked
// `nil_return`, so no figure of it is read as a zero.

export type NilReturnDraft = { nilReason: string; nilDetails: string; amendmentReason: string }

// How it came, as for any return: the web page's period; the API's location by CQC ID, period by its
// first day, source, own hook (its idempotent answer) and risk rules left to their job.
export type NilReturnOptions = Omit<SubmitOptions, 'nil' | 'nothingChanged' | 'amendmentReason'>

export function createNilReturnService(deps: { db: Db; clock: Clock; saver: ReturnSaver }) {
  const { db, clock, saver } = deps

  async function submitNil(
    actor: Actor,
    locationId: string,
    draft: NilReturnDraft,
    options: NilReturnOptions = {},
  ): Promise<SubmitOutcome> {
    const checked = checkNilReturn(draft)
    const now = clock.now()
    const ready = await checkSubmission(
      db,
      now,
      actor,
      locationId,
      {},
      {
        ...options,
        // (Checked as a nil return even when its reason is wrong, so the figures are not asked for.)
        nil: checked.ok
          ? { reason: checked.value.nilReason, details: checked.value.nilDetails }
          : { reason: 'other', details: null },
        amendmentReason: draft.amendmentReason,
      },
    )
    // Not found first (the location is not the actor's); then every problem at once, the reason's first.
    if (!ready.ok && !('errors' in ready)) return ready
    const errors = [...(checked.ok ? [] : checked.errors), ...(ready.ok ? [] : ready.errors)]
    if (errors.length || !ready.ok) return { ok: false, errors }
    const result = await saver.saveOne(actor, ready.prepared, now, {
      hook: options.hook,
      followUpLater: options.followUpLater,
    })
    if ('refused' in result)
      return {
        ok: false,
        errors: [{ field: 'amendmentReason', message: 'Enter why you are changing this return' }],
      }
    if ('conflictWith' in result) return { ok: false, conflict: { version: result.conflictWith } }
    const { returnId, version, period } = result.saved
    return { ok: true, returnId, version, period, locationId: ready.prepared.locationId }
  }

  return { submitNil }
}

export type NilReturnService = ReturnType<typeof createNilReturnService>
