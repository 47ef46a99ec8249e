// Who may do what with PPE: the one access policy (src/domain/policy.ts) applied to PPE's objects.
import { type Actor, can } from '../../../domain/policy.ts'

// The council whose stores and requests the actor works: the PPE team's own council.
export function councilToManage(actor: Actor): string | null {
  return can(actor, 'ppe:manage') && actor.organisationKind === 'council' ? actor.organisationId : null
}

// The councils whose store figures the actor reads: council and partner officers of those councils
// (never a regional reader, never a provider).
export function councilsToRead(actor: Actor): readonly string[] {
  return can(actor, 'ppe:read') && actor.organisationKind !== 'region' ? actor.councilIds : []
}

// A provider manager asks for their own provider's locations only.
export function providerToRequestFor(actor: Actor): string | null {
  return can(actor, 'ppe:request') ? actor.providerId : null
}

// Whether the actor may see a request: its provider's manager, or a reader of its council.
export function maySeeRequest(actor: Actor, request: { councilId: string; providerId: string }): boolean {
  if (providerToRequestFor(actor)) return request.providerId === actor.providerId
  return councilsToRead(actor).includes(request.councilId)
}
