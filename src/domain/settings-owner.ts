import { type Actor, can } from './policy.ts'

// Risk rules and settings (the enquiry target) belong to a council; the install's defaults (a null
// council) are what a council added later starts with. A council's administrator changes only its
// council's, the install administrator only the defaults (docs/adr/0006-council-rules-and-settings.md).
export type SettingsOwner = { councilId: string | null }

// How a page asks for a particular owner (`?council=`): the install's defaults, or a council's id.
export const installDefaultsParam = 'install'

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

// What a request asks for: nobody in particular (undefined), an owner, or something unusable (false).
export function requestedOwner(requested?: string): SettingsOwner | undefined | false {
  if (!requested) return undefined
  if (requested === installDefaultsParam) return { councilId: null }
  return uuidPattern.test(requested) ? { councilId: requested } : false
}

// Whose rules and settings an actor may change; asking for any other owner gives none.
export function ownerToChange(actor: Actor, requested?: string): SettingsOwner | null {
  const own =
    actor.role === 'admin' && actor.organisationKind === 'council'
      ? { councilId: actor.organisationId }
      : can(actor, 'install-defaults:manage')
        ? { councilId: null }
        : null
  const asked = requestedOwner(requested)
  if (!own || asked === false) return null
  return asked === undefined || asked.councilId === own.councilId ? own : null
}
