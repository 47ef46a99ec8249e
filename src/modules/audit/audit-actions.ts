// An audited action's name as the trail stores it. Each capability declares the actions it audits with
// `auditActions` (exported from its index.ts), so a new capability adds its actions in its own folder
// and no central list grows; `recordAudit` takes only a declared name, never a bare string.
declare const declaredAction: unique symbol
export type AuditActionName = string & { readonly [declaredAction]: true }

// Stored names, across every capability: a name means one thing in the trail, so it is declared once.
const declaredNames = new Set<string>()

export function auditActions<const T extends Record<string, string>>(
  actions: T,
): { readonly [K in keyof T]: T[K] & AuditActionName } {
  for (const name of Object.values(actions)) {
    if (declaredNames.has(name)) throw new Error(`The audit action '${name}' is declared twice`)
    declaredNames.add(name)
  }
  return Object.freeze({ ...actions }) as { readonly [K in keyof T]: T[K] & AuditActionName }
}

// The actions of the capabilities that do not yet declare their own: each moves its entries into its
// own folder (as access, comms, the API and returns have), with the stored names unchanged.
export const AuditAction = auditActions({
  importPreviewed: 'cqc-import-previewed',
  importSaved: 'cqc-import-saved',
  importFailed: 'cqc-import-failed',
  locationCreatedByImport: 'location-created-by-import',
  locationUpdatedByImport: 'location-updated-by-import',
  locationClosedByImport: 'location-closed-by-import',
  locationLinkedToCouncil: 'location-linked-to-council',
  locationCreated: 'location-created',
  locationUpdated: 'location-updated',
  contactAdded: 'location-contact-added',
  contactRemoved: 'location-contact-removed',
  caseOwnershipTaken: 'case-ownership-taken',
  casePassed: 'case-passed',
  caseActionAdded: 'case-action-added',
  caseActionDone: 'case-action-done',
  caseClosed: 'case-closed',
  alertResolvedByHand: 'alert-resolved-by-hand',
  intelligenceRecorded: 'intelligence-recorded',
  capacityTrackerFlagRaised: 'capacity-tracker-red-flag-raised',
  capacityTrackerFlagCleared: 'capacity-tracker-red-flag-cleared',
  contactLogged: 'contact-logged',
  contactChanged: 'contact-changed',
  contactFollowUpDone: 'contact-follow-up-done',
  enquiryCreated: 'enquiry-created',
  enquiryChanged: 'enquiry-changed',
  enquiryResponded: 'enquiry-responded',
  faqEntryCreated: 'faq-entry-created',
  faqEntryChanged: 'faq-entry-changed',
  settingChanged: 'setting-changed',
  riskRuleCreated: 'risk-rule-created',
  riskRuleChanged: 'risk-rule-changed',
  riskRuleDisabled: 'risk-rule-disabled',
  riskRuleEnabled: 'risk-rule-enabled',
})
