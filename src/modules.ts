import type { Contributions, HomePanel, LocationPanel, ProvidedBy, UnmetNeeds } from './capability.ts'
import type { Services } from './composition.ts'
import type { Db } from './db/database.ts'
import type { Actor } from './domain/policy.ts'
import type { Job } from './jobs/scheduler.ts'
import { access } from './modules/access/index.ts'
import { actionPlan } from './modules/action-plan/index.ts'
import { api } from './modules/api/index.ts'
import { audit } from './modules/audit/index.ts'
import { bulletins } from './modules/bulletins/index.ts'
import { casework } from './modules/casework/index.ts'
import { comms } from './modules/comms/index.ts'
import { contactLog } from './modules/contact-log/index.ts'
import { dashboards } from './modules/dashboards/index.ts'
import { directory } from './modules/directory/index.ts'
import { earlyWarning } from './modules/early-warning/index.ts'
import { emergencyStaffing } from './modules/emergency-staffing/index.ts'
import { enquiries } from './modules/enquiries/index.ts'
import { grants } from './modules/grants/index.ts'
import { home } from './modules/home/index.ts'
import { infectionControl } from './modules/infection-control/index.ts'
import { payments } from './modules/payments/index.ts'
import { ppeSupply } from './modules/ppe-supply/index.ts'
import { providerResilience } from './modules/provider-resilience/index.ts'
import { publishing } from './modules/publishing/index.ts'
import { resourcePack } from './modules/resource-pack/index.ts'
import { retention } from './modules/retention/index.ts'
import { returns } from './modules/returns/index.ts'
import { singleSignOn } from './modules/single-sign-on/index.ts'
import { surveys } from './modules/surveys/index.ts'
import { training } from './modules/training/index.ts'
import { welfareChecks } from './modules/welfare-checks/index.ts'
import type { NavigationEntry } from './web/navigation.ts'
import type { PathTree } from './web/page-path.ts'

// The one ordered list of CareHub's capabilities. The composition root builds their services in this
// order (a capability's services may use those of capabilities above it), and the app, the scheduler
// and the navigation loop over it. Adding a capability: a folder, a line here, its migration
// (docs/adding-a-capability.md).
export const capabilities = [
  access,
  audit,
  // Signing in with a council's own accounts: adds to access's sign-in (passwordSignInOff, signedOutRedirect).
  singleSignOn,
  comms,
  directory,
  returns,
  api,
  earlyWarning,
  contactLog,
  casework,
  enquiries,
  emergencyStaffing,
  infectionControl,
  resourcePack,
  bulletins,
  surveys,
  ppeSupply,
  welfareChecks,
  providerResilience,
  training,
  publishing,
  // After publishing: each registers kinds of publication (the public dashboard, the provider-support
  // return, grants' 360Giving open data).
  dashboards,
  payments,
  grants,
  actionPlan,
  // Applies every capability's personal data retention rule (contributes.personalDataRetention).
  retention,
  home,
] as const

// What the capabilities contribute to one another's pages, gathered from the list (contributionsOf).
export type PageContributions = {
  // Every capability's panels for a location's page, in the order of the list.
  locationPagePanels: (actor: Actor, locationId: string) => Promise<LocationPanel[]>
  // Every capability's panels for a case's page (by the case's location), in the order of the list.
  casePagePanels: (actor: Actor, locationId: string) => Promise<LocationPanel[]>
  // Every capability's panels for the signed-in home page, in the order of the list.
  homePagePanels: (actor: Actor) => Promise<HomePanel[]>
}

export type CapabilityServices = ProvidedBy<typeof capabilities> & PageContributions

// A compile-time check: every capability's needs are provided by the list.
const allNeedsMet: [UnmetNeeds<typeof capabilities, CapabilityServices>] extends [never] ? true : false = true
void allNeedsMet

// What the capabilities contribute to each extension point (`contributes`), in the list's order: given
// to the capability that owns the point before the services are built (a return's save hooks).
export function extensionContributions(): Contributions {
  const all: Record<string, unknown[]> = {}
  for (const capability of capabilities)
    for (const [point, contribution] of Object.entries(capability.contributes ?? {}))
      all[point] = [...(all[point] ?? []), contribution]
  return all as Contributions
}

// The service navigation a signed-in user sees: every capability's entries for them, in order.
export function navigationFor(actor: Actor): NavigationEntry[] {
  return capabilities.flatMap((c) => c.navigation?.(actor) ?? []).sort((a, b) => a.order - b.order)
}

// Gathered once the services are built, for the capabilities that show others' contributions.
export function contributionsOf(services: Services): PageContributions {
  const built = services as never
  const location = capabilities.flatMap((c) => (c.locationPanels ? [c.locationPanels(built)] : []))
  const onCase = capabilities.flatMap((c) => (c.casePanels ? [c.casePanels(built)] : []))
  const home = capabilities.flatMap((c) => (c.homePanels ? [c.homePanels(built)] : []))
  return {
    locationPagePanels: (actor, locationId) => shownPanels(location, (panel) => panel(actor, locationId)),
    casePagePanels: (actor, locationId) => shownPanels(onCase, (panel) => panel(actor, locationId)),
    homePagePanels: (actor) => shownPanels(home, (panel) => panel(actor)),
  }
}

// The panels that have something to show, in the list's order (one after another: each reads the db).
async function shownPanels<P, T>(panels: P[], show: (panel: P) => Promise<T | null>): Promise<T[]> {
  const shown: T[] = []
  for (const panel of panels) {
    const found = await show(panel)
    if (found) shown.push(found)
  }
  return shown
}

// The jobs every app instance schedules (each takes an advisory lock, so one instance runs it at a time).
export function scheduledJobs(services: Services): Job[] {
  return capabilities.flatMap((c) => c.jobs?.(services as never) ?? [])
}

// Every capability's path definitions in one tree, for the templates' link builders and the path test.
// Names are unique across capabilities, so a template's `paths.x` means one page.
export function capabilityPaths(): PathTree {
  const tree: PathTree = {}
  for (const capability of capabilities) {
    for (const [name, node] of Object.entries(capability.paths ?? {})) {
      if (name in tree) throw new Error(`${capability.name} defines paths.${name}, already defined`)
      tree[name] = node
    }
  }
  return tree
}

// The figures /readyz reports: each capability's, under its name.
export async function readinessFigures(db: Db): Promise<Record<string, Record<string, number>>> {
  const entries = await Promise.all(
    capabilities.flatMap((c) => (c.readiness ? [c.readiness(db).then((f) => [c.name, f] as const)] : [])),
  )
  return Object.fromEntries(entries)
}
