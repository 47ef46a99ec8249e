import { type Actor, can } from '../../domain/policy.ts'

// What of a location's risk an actor is shown, from the table "What each role sees"
// (src/domain/what-each-role-sees.ts): its RAG, and its alerts (titles, messages, how many are open,
// who owns their case), which are casework's. The services read neither for one who may not see it, so
// a page or a download cannot show it by mistake: a partner's viewer (Healthwatch) sees neither, as
// they may be concerns not yet raised with the provider; a provider's manager sees only the RAG.
export type RiskShown = { rag: boolean; alerts: boolean }

export function riskShownTo(actor: Actor): RiskShown {
  return { rag: can(actor, 'risk-status:read'), alerts: can(actor, 'cases:read') }
}
