import { type Actor, can } from '../../../domain/policy.ts'
import type { VersionStatus } from '../publishing.tables.ts'

// The publishing workflow's rules: draft → accuracy check (providers named in it may challenge their
// own figures until the window's last working day) → sign-off by a named officer → published. Pure.

export const versionStatusNames: Record<VersionStatus, string> = {
  draft: 'Draft',
  checking: 'Accuracy check',
  published: 'Published',
  withdrawn: 'Withdrawn',
}

export const defaultCheckWorkingDays = 5
export const maxCheckWorkingDays = 20

export const mayPrepare = (actor: Actor) => can(actor, 'publications:prepare')
export const maySignOff = (actor: Actor) => can(actor, 'publications:sign-off')

export type VersionState = {
  status: VersionStatus
  checkClosesOn: string | null
  openChallenges: number
}

// Why a version may not be signed off and published today (none: it may).
export function signOffBlockers(version: VersionState, today: string): string[] {
  if (version.status === 'published') return ['This version is already published']
  if (version.status !== 'checking' || !version.checkClosesOn)
    return ['The providers named in it have not been asked to check their figures yet']
  const blockers: string[] = []
  if (today <= version.checkClosesOn)
    blockers.push(`Providers may challenge their figures until the end of ${version.checkClosesOn}`)
  if (version.openChallenges > 0)
    blockers.push(
      `${version.openChallenges} challenge${version.openChallenges === 1 ? '' : 's'} from providers must be resolved first`,
    )
  return blockers
}

// Whether a provider may still challenge: only while the version is in its check window.
export function challengeOpen(version: VersionState, today: string): boolean {
  return version.status === 'checking' && version.checkClosesOn !== null && today <= version.checkClosesOn
}

export function validateCheckDays(
  raw: string,
): { ok: true; value: number } | { ok: false; errors: Record<string, string> } {
  const text = raw.trim()
  if (!/^\d{1,2}$/.test(text) || Number(text) < 1 || Number(text) > maxCheckWorkingDays)
    return {
      ok: false,
      errors: { checkDays: `Working days must be a whole number from 1 to ${maxCheckWorkingDays}, like 5` },
    }
  return { ok: true, value: Number(text) }
}

export function validateChallenge(
  form: { figure: string; reason: string },
  figures: readonly string[],
): { ok: true; value: { figure: string; reason: string } } | { ok: false; errors: Record<string, string> } {
  const errors: Record<string, string> = {}
  if (!figures.includes(form.figure)) errors.figure = 'Select the figure you are challenging'
  const reason = form.reason.trim()
  if (!reason) errors.reason = 'Enter what is wrong with the figure'
  else if (reason.length > 2000) errors.reason = 'What is wrong must be 2,000 characters or fewer'
  return Object.keys(errors).length
    ? { ok: false, errors }
    : { ok: true, value: { figure: form.figure, reason } }
}

export function validateText(
  field: string,
  raw: string,
  missing: string,
): { ok: true; value: string } | { ok: false; errors: Record<string, string> } {
  const text = raw.trim()
  if (!text) return { ok: false, errors: { [field]: missing } }
  if (text.length > 2000) return { ok: false, errors: { [field]: 'It must be 2,000 characters or fewer' } }
  return { ok: true, value: text }
}
