import type { FastifyInstance } from 'fastify'
import type { Config } from './config.ts'
import type { Db } from './db/database.ts'
import type { Clock } from './domain/clock.ts'
import type { Actor } from './domain/policy.ts'
import type { Job } from './jobs/scheduler.ts'
import type { CouncilCreatedHook, PasswordSignInOffCheck, SignedOutRedirect } from './modules/access/index.ts'
import type { MailTransport } from './modules/comms/index.ts'
import type { RetentionRule } from './modules/retention/index.ts'
import type { ReturnSaveHook, TrackerStatusHook } from './modules/returns/index.ts'
import type { NavigationEntry } from './web/navigation.ts'
import type { PathTree } from './web/page-path.ts'
import type { RouteAccessTable } from './web/route-access.ts'

// What every capability may be given: the concrete things the composition root makes.
export type CoreDeps = {
  db: Db
  clock: Clock
  config: Config
  mailTransport: MailTransport
  cookieSecret: string
}

// What a capability shows on a location's page (the directory's), for one actor: links added to the
// page's list, and a panel (a template of its own views, with the variables it reads, named for the
// capability: they stand beside the page's own). Null when it has nothing to show them.
export type LocationPanel = {
  links?: { href: string; text: string }[]
  template?: string
  context?: Record<string, unknown>
  // The panel shows the location's risk status, so the page does not show its own line.
  showsRiskStatus?: boolean
}
export type LocationPanels = (actor: Actor, locationId: string) => Promise<LocationPanel | null>

// What a capability shows on the signed-in home page for one actor (a provider's PPE requests, what
// it was paid): a template of its own views and its variables. `atTop`: something the user must see
// first (a declined request's reason), shown above the page's own content.
export type HomePanel = { template: string; context?: Record<string, unknown>; atTop?: boolean }
export type HomePanels = (actor: Actor) => Promise<HomePanel | null>

// Extension points: work of one capability that others take part in. Each capability contributes to a
// point in its index.ts (`contributes`); the capability that owns the point is given every contribution,
// in the list's order, as `contributions` (src/modules.ts). `returnSaved`: what is written and done with
// every saved return, whatever its channel (ADR 7). `trackerStatusImported`: what is done with the
// statuses a capacity tracker extract gives, in its import's transaction.
// `councilCreated`: what is done when a council is added, in its transaction (the directory links the
// locations already imported in its area). `personalDataRetention`: the personal data a capability holds,
// how long it is kept and how it is removed (the retention capability's job applies every rule).
export type ExtensionPoints = {
  returnSaved: ReturnSaveHook
  trackerStatusImported: TrackerStatusHook
  councilCreated: CouncilCreatedHook
  personalDataRetention: RetentionRule
  // Signing in and out (access): whether an organisation's users may not use a password, and where the
  // browser goes after signing out (single sign-on's identity provider).
  passwordSignInOff: PasswordSignInOffCheck
  signedOutRedirect: SignedOutRedirect
}
export type Contributions = { [Point in keyof ExtensionPoints]?: ExtensionPoints[Point][] }

// A capability's public face, as its index.ts declares it. `Needs` are the services of other
// capabilities it uses (built earlier in src/modules.ts); `Provided` are the services it adds.
export type Capability<Provided extends object = object, Needs extends object = object> = {
  name: string
  services?: (deps: CoreDeps & { contributions: Contributions } & Needs) => Provided
  routes?: (app: FastifyInstance, services: CoreDeps & Needs & Provided) => Promise<void>
  jobs?: (services: CoreDeps & Needs & Provided) => Job[]
  // Entries of the service navigation, placed among every capability's by `order`.
  navigation?: (actor: Actor) => NavigationEntry[]
  // Its pages' path definitions ({ pattern, build }), which its routes and every link use.
  paths?: PathTree
  // What it shows on a location's page, given its services (src/modules.ts gathers them in order).
  locationPanels?: (services: CoreDeps & Needs & Provided) => LocationPanels
  // What it shows on a case's page, for the case's location (a PPE request, an IPC visit).
  casePanels?: (services: CoreDeps & Needs & Provided) => LocationPanels
  // What it shows on the signed-in home page.
  homePanels?: (services: CoreDeps & Needs & Provided) => HomePanels
  // Figures /readyz reports for it (a queue's lag, a backlog), read while the database answers.
  readiness?: (db: Db) => Promise<Record<string, number>>
  // What it adds to other capabilities' extension points.
  contributes?: Partial<ExtensionPoints>
  // Who may reach each of its routes, as every role (src/web/route-access.ts): every route it adds needs
  // an entry, or the route-table suite fails (test/integration/route-access.db.test.ts).
  routeAccess?: RouteAccessTable
}

// defineCapability<{ users: UserService }>()({ ... }): what it needs is named, what it provides is inferred.
export function defineCapability<Needs extends object = object>() {
  return <Provided extends object = object>(capability: Capability<Provided, Needs>) => capability
}

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void
  ? I
  : never

// Any capability, whatever it needs and provides (both appear in its functions' parameters, so no
// narrower type admits them all).
// biome-ignore lint/suspicious/noExplicitAny: see above
type AnyCapability = Capability<any, any>

// Every service the listed capabilities provide, as one record.
export type ProvidedBy<List extends readonly AnyCapability[]> = UnionToIntersection<
  List[number] extends infer C ? (C extends Capability<infer P, infer _Needs> ? P : never) : never
>

// Each capability's needs, checked against what the whole list provides (a compile-time error names
// the capability whose needs are not met).
export type UnmetNeeds<List extends readonly AnyCapability[], All> = {
  [K in keyof List]: List[K] extends Capability<infer _Provided, infer N>
    ? All extends N
      ? never
      : List[K]
    : never
}[number]
