import type { Actor } from '../../domain/policy.ts'
import { addAction, completeAction } from './case-actions.ts'
import { closeCase, resolveAlertByHand } from './case-closing.ts'
import { passCase, takeOwnership } from './case-ownership.ts'
import { alertOnCase, type CaseworkDeps, caseSummaryForLocation, getCase, worklist } from './case-reads.ts'
import { intelligenceForm, recordIntelligence } from './intelligence.ts'

// Casework: the officer worklist, a location's case (ownership, actions, alerts resolved by hand,
// closing) and intelligence from partners, each use case in the file of its kind. Every read and write
// checks the actor's scope: a case is seen only through a location the actor may see, and never by a
// provider. Forms are the posted fields, checked by each form's schema (casework.forms.ts).
export function createCaseworkService(deps: CaseworkDeps) {
  const bound =
    <A extends unknown[], R>(useCase: (deps: CaseworkDeps, actor: Actor, ...args: A) => R) =>
    (actor: Actor, ...args: A) =>
      useCase(deps, actor, ...args)
  return {
    now: () => deps.clock.now(),
    worklist: bound(worklist),
    getCase: bound(getCase),
    takeOwnership: bound(takeOwnership),
    passCase: bound(passCase),
    addAction: bound(addAction),
    completeAction: bound(completeAction),
    alertOnCase: bound(alertOnCase),
    resolveAlertByHand: bound(resolveAlertByHand),
    closeCase: bound(closeCase),
    intelligenceForm: bound(intelligenceForm),
    recordIntelligence: bound(recordIntelligence),
    caseSummaryForLocation: bound(caseSummaryForLocation),
  }
}

export type CaseworkService = ReturnType<typeof createCaseworkService>
