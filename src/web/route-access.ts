import { type Role, roles } from '../domain/roles.ts'

// Who may reach each route: every capability keeps a table of its own routes beside its routes
// (<name>.route-access.ts, given as `routeAccess` in its index.ts), and the route-table suite
// (test/integration/route-access.db.test.ts) sends every route, as every role, at the attacker's own
// record, another provider's and another council's, and checks the answer is the one written here. A
// route without an entry fails the suite, so no route ships without someone deciding who may reach it.

// Whose record a request aims at, as seen from the one sending it (a council A user, or provider A's
// manager): their own (provider A's, council A's), another provider's in the same council, another
// council's.
export const recordKinds = ['own', 'otherProvider', 'otherCouncil'] as const
export type RecordKind = (typeof recordKinds)[number]

// What the request gets: let in ('allowed': any answer but those below, 5xx never), refused as not
// theirs to do (403), not found (404: out of their scope, so an id reveals nothing), or sent to sign in.
export type Outcome = 'allowed' | 403 | 404 | 'sign-in' | 401

// One route's entry. Keys of a table are 'METHOD /pattern' (HEAD follows GET).
export type RouteAccess =
  // Anyone, signed in or not (health checks, assets, sign-in, the public dashboard).
  | 'public'
  | {
      // Which records of the suite's world fill the route's parameters (test/support/route-access-world.ts);
      // 'unknown': an id of no record (the suite's world has none of this kind yet: only refusals are shown).
      ids?: string
      // The roles let in to their own record; everyone signed in with 'signed-in'; 'everyone' also lets
      // in those with no session (a link sent by e-mail, carrying its own secret).
      allow: readonly Role[] | 'signed-in' | 'everyone'
      // What a role not let in gets: 403 unless said (404 where the service hides the page itself; 401
      // for the machine API, which a session does not open).
      denied?: 403 | 404 | 401
      // What everyone gets, whoever they are (signing out sends everyone to sign in).
      every?: Outcome
      // A query the route needs to answer at all (a list's filter).
      query?: string
      // The POST acts on no more than the request (a button: take ownership, disable a user): the suite
      // sends it as an allowed role only once per record, after every other case, so that the change
      // does not alter the answers of the rest.
      acts?: true
      // What one with no session gets: sent to sign in unless said (the API: 401).
      anonymous?: Outcome
      // Where a role's answers differ from the rule: its outcome for own, another provider's and another
      // council's record in order ('A' allowed, '3' 403, '4' 404), e.g. 'A44'.
      exceptions?: Partial<Record<Role, string>>
    }

export type RouteAccessTable = Record<string, RouteAccess>

// Whose records a role sees at all: a provider manager only their provider's; a council's or partner's
// users their council's market; the region's users every council's.
const seesEveryCouncil: readonly Role[] = ['regional_viewer', 'install_admin']
export function inScope(role: Role, kind: RecordKind): boolean {
  if (kind === 'own') return true
  if (kind === 'otherProvider') return role !== 'provider_manager'
  return seesEveryCouncil.includes(role)
}

const fromCode: Record<string, Outcome> = { A: 'allowed', '3': 403, '4': 404 }

// What the table says one role (null: no session) gets for one kind of record.
export function expectedOutcome(entry: RouteAccess, role: Role | null, kind: RecordKind): Outcome {
  if (entry === 'public') return 'allowed'
  if (entry.every) return entry.every
  if (role === null) {
    if (entry.allow !== 'everyone') return entry.anonymous ?? 'sign-in'
    return entry.ids === 'unknown' ? 404 : 'allowed'
  }
  const exception = entry.exceptions?.[role]
  if (exception) {
    const code = exception[entry.ids && entry.ids !== 'unknown' ? recordKinds.indexOf(kind) : 0]
    const outcome = code && fromCode[code]
    if (!outcome) throw new Error(`exception '${exception}' for ${role} has no outcome for ${kind}`)
    return outcome
  }
  const allowed = typeof entry.allow === 'string' || entry.allow.includes(role)
  if (!allowed) return entry.denied ?? 403
  if (entry.ids === 'unknown') return 404
  return inScope(role, kind) ? 'allowed' : 404
}

// Every role but those named: most pages are for everyone who reads the market, less a few.
export function allBut(...refused: Role[]): Role[] {
  return roles.filter((role) => !refused.includes(role))
}
