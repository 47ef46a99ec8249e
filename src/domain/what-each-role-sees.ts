import type { OrganisationKind, Role } from './roles.ts'

// What each role sees of casework (a location's case and its alerts), a location's RAG, the contact log
// and a location's returns: the table in the README ("What each role sees";
// src/domain/what-each-role-sees.test.ts checks that they are the same). The policy (policy.ts) answers
// from it for the permissions it decides, services refuse what it refuses and leave out what it leaves
// out, and pages show only the links it allows. Pure: no I/O.
//
// A viewer is read only, and what they read depends on where they work: a council's viewer (its board)
// reads the market's cases; a partner's viewer (Healthwatch, say) reads neither cases, nor their alerts,
// nor the RAG the alerts make, nor the contact log: they hold officers' notes and concerns not yet raised
// with the provider. A provider's manager sees their own locations' RAG, but not the alerts behind it.

export const audiences = [
  'admin',
  'council_officer',
  'finance_officer',
  'partner_officer',
  'council_viewer',
  'partner_viewer',
  'regional_viewer',
  'install_admin',
  'provider_manager',
] as const
export type Audience = (typeof audiences)[number]

export function audienceOf(actor: { role: Role; organisationKind: OrganisationKind }): Audience {
  if (actor.role === 'viewer')
    return actor.organisationKind === 'council' ? 'council_viewer' : 'partner_viewer'
  return actor.role
}

export type CaseAccess = 'work' | 'read' | 'none'
export type RiskStatusAccess = 'read' | 'none'
export type ContactLogAccess = 'record' | 'read' | 'none'
export type ReturnsAccess = 'report' | 'read'

export type WhatARoleSees = {
  // The worklist and each location's case (its alerts, actions and history). Alerts are the case's
  // wherever they show: titles, messages, how many are open and who owns them (dashboards, exports).
  cases: CaseAccess
  // A location's RAG (red, amber or green: its worst open alert), on any page or download.
  riskStatus: RiskStatusAccess
  // The contact log: officers' calls, e-mails and visits with a location.
  contactLog: ContactLogAccess
  // A location's returns: read them, or also report for today and correct one ("report").
  returns: ReturnsAccess
}

export const whatEachRoleSees: Record<Audience, WhatARoleSees> = {
  admin: { cases: 'work', riskStatus: 'read', contactLog: 'record', returns: 'report' },
  council_officer: { cases: 'work', riskStatus: 'read', contactLog: 'record', returns: 'report' },
  finance_officer: { cases: 'read', riskStatus: 'read', contactLog: 'read', returns: 'report' },
  partner_officer: { cases: 'work', riskStatus: 'read', contactLog: 'record', returns: 'report' },
  council_viewer: { cases: 'read', riskStatus: 'read', contactLog: 'none', returns: 'read' },
  partner_viewer: { cases: 'none', riskStatus: 'none', contactLog: 'none', returns: 'read' },
  regional_viewer: { cases: 'read', riskStatus: 'read', contactLog: 'none', returns: 'read' },
  install_admin: { cases: 'read', riskStatus: 'read', contactLog: 'none', returns: 'read' },
  provider_manager: { cases: 'none', riskStatus: 'read', contactLog: 'none', returns: 'report' },
}

// ---- the README's table, in words ----

export const audienceWords: Record<Audience, string> = {
  admin: '`admin`',
  council_officer: '`council_officer`',
  finance_officer: '`finance_officer`',
  partner_officer: '`partner_officer`',
  council_viewer: '`viewer` at a council (its board)',
  partner_viewer: '`viewer` at a partner (Healthwatch, a CCG, …)',
  regional_viewer: '`regional_viewer`',
  install_admin: '`install_admin`',
  provider_manager: '`provider_manager`',
}

export const columnWords = {
  cases: { heading: 'worklist, case pages and alerts', work: 'work them', read: 'read', none: '—' },
  riskStatus: { heading: 'a location’s RAG', read: 'read', none: '—' },
  contactLog: { heading: 'contact log', record: 'read and record', read: 'read', none: '—' },
  returns: { heading: 'a location’s returns', report: 'read, report for today and correct', read: 'read' },
} as const

// The table as the README writes it: a header, a divider and one row per audience.
export function whatEachRoleSeesTable(): string[][] {
  return [
    [
      'who',
      columnWords.cases.heading,
      columnWords.riskStatus.heading,
      columnWords.contactLog.heading,
      columnWords.returns.heading,
    ],
    ...audiences.map((audience) => {
      const sees = whatEachRoleSees[audience]
      return [
        audienceWords[audience],
        columnWords.cases[sees.cases],
        columnWords.riskStatus[sees.riskStatus],
        columnWords.contactLog[sees.contactLog],
        columnWords.returns[sees.returns],
      ]
    }),
  ]
}
