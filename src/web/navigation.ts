import { mayRecordContacts } from '../domain/contact-log/contact-log.rules.ts'
import { mayManageRiskRules } from '../domain/early-warning/rules.ts'
import { mayAskEnquiries, mayReadEnquiries } from '../domain/enquiries/enquiry.rules.ts'
import { type Actor, can } from '../domain/policy.ts'
import { maySeeDashboard } from '../modules/dashboards/dashboard.service.ts'
import { paths } from './paths.ts'

export type NavigationItem = { href: string; text: string; active?: boolean }

// The service navigation a role sees. Only links to pages the role may open.
export function navigationFor(actor: Actor | null, currentPath: string): NavigationItem[] {
  if (!actor) return []
  const items: NavigationItem[] = [{ href: paths.home(), text: 'Home' }]
  if (can(actor, 'locations:read')) {
    items.push({
      href: paths.locations(),
      text: actor.role === 'provider_manager' ? 'Your locations' : 'Locations',
    })
  }
  if (can(actor, 'cases:work')) items.push({ href: paths.worklist(), text: 'Worklist' })
  if (maySeeDashboard(actor)) items.push({ href: paths.dashboard(), text: 'Dashboard' })
  if (actor.role !== 'provider_manager') items.push({ href: paths.completeness(), text: 'Returns' })
  if (actor.role === 'provider_manager' && actor.providerId)
    items.push({ href: paths.apiTokens(), text: 'API tokens' })
  if (mayRecordContacts(actor)) items.push({ href: paths.followUps(), text: 'Contact log follow-ups' })
  if (mayReadEnquiries(actor)) items.push({ href: paths.enquiries(), text: 'Enquiries' })
  if (mayAskEnquiries(actor)) items.push({ href: paths.enquiries(), text: 'Ask a question' })
  items.push({ href: paths.faq(), text: 'FAQ' })
  if (can(actor, 'locations:import')) items.push({ href: paths.imports(), text: 'CQC imports' })
  if (can(actor, 'users:manage')) items.push({ href: paths.admin.users(), text: 'Users' })
  if (can(actor, 'organisations:manage'))
    items.push({ href: paths.admin.organisations(), text: 'Organisations' })
  if (mayManageRiskRules(actor)) items.push({ href: paths.riskRules.list(), text: 'Risk rules' })
  if (can(actor, 'audit:read')) items.push({ href: paths.admin.audit(), text: 'Audit' })
  if (can(actor, 'outbox:read')) items.push({ href: paths.admin.outbox(), text: 'Outbox' })
  return items.map((item) => ({
    ...item,
    active:
      item.href === '/'
        ? currentPath === '/'
        : currentPath === item.href || currentPath.startsWith(`${item.href}/`),
  }))
}
