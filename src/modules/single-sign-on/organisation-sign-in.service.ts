import { timingSafeEqual } from 'node:crypto'
import * as oidc from 'openid-client'
import type { Db } from '../../db/database.ts'
import type { Clock } from '../../domain/clock.ts'
import { openSecret } from '../../domain/secret-box.ts'
import { paths as shellPaths } from '../../web/paths.ts'
import { createSession, disableAccount, tokenHash } from '../access/index.ts'
import { recordAudit } from '../audit/index.ts'
import { isLoopback, roleForGroups } from './domain/group-roles.rules.ts'
import { singleSignOnAuditActions as actions } from './single-sign-on.audit-actions.ts'
import { singleSignOnPaths } from './single-sign-on.paths.ts'
import {
  activateInvitedUser,
  deleteExpiredPendingSignIns,
  hasIdentity,
  insertIdentity,
  insertPendingSignIn,
  insertSingleSignOnSession,
  insertUser,
  markSignedIn,
  organisationById,
  organisationsWithSingleSignOn,
  settingsOf,
  setUserRole,
  takePendingSignIn,
  userByEmail,
  userOfIdentity,
} from './single-sign-on.repository.ts'
import { clientSecretPurpose } from './single-sign-on.service.ts'

// How long the person has to sign in at their provider and come back.
const pendingMinutes = 10
// How long a provider's discovered metadata is trusted before it is fetched again.
const discoveryMinutes = 10

export type OrganisationSignInOutcome =
  | { kind: 'signed-in'; sessionToken: string; userId: string }
  | { kind: 'no-mapped-group'; organisationName: string }
  | { kind: 'refused'; reason: 'other-organisation' | 'disabled' }
  // A callback that is not the answer to a sign-in this browser started (or not any more), or one
  // the provider or its tokens did not confirm.
  | { kind: 'failed' }

// Signing in with an organisation's own identity provider (OpenID Connect, authorization code with PKCE,
// state and nonce), and the just-in-time account its groups give.
export function createOrganisationSignInService(deps: {
  db: Db
  clock: Clock
  cookieSecret: string
  baseUrl: string
}) {
  const { db, clock, cookieSecret, baseUrl } = deps
  const redirectUri = `${baseUrl}${singleSignOnPaths.organisationAccountCallback.build()}`
  const signedOutUri = `${baseUrl}${shellPaths.signIn()}?signedOut=1`
  const discovered = new Map<string, { until: number; client: oidc.Configuration }>()

  async function clientFor(settings: { issuerUrl: string; clientId: string; clientSecretSealed: string }) {
    const key = `${settings.issuerUrl}\n${settings.clientId}\n${settings.clientSecretSealed}`
    const cached = discovered.get(key)
    if (cached && cached.until > Date.now()) return cached.client
    const secret = openSecret(cookieSecret, clientSecretPurpose, settings.clientSecretSealed)
    if (secret === null) throw new Error('the client secret cannot be opened: enter it again')
    const issuer = new URL(settings.issuerUrl)
    // Plain HTTP is let through only to this machine (a test provider): issuerProblem refuses the rest.
    const insecure = issuer.protocol === 'http:' && isLoopback(issuer.hostname)
    const client = await oidc.discovery(issuer, settings.clientId, secret, undefined, {
      execute: insecure ? [oidc.allowInsecureRequests] : [],
      timeout: 10,
    })
    discovered.set(key, { until: Date.now() + discoveryMinutes * 60_000, client })
    return client
  }

  const organisationsOffered = () => organisationsWithSingleSignOn(db)

  // Where to send the browser, and the state it must bring back (kept in a cookie), or null when the
  // organisation has no single sign-on.
  async function start(organisationId: string): Promise<{ url: string; state: string } | null> {
    const settings = await settingsOf(db, organisationId)
    if (!settings?.enabled) return null
    const client = await clientFor(settings)
    const state = oidc.randomState()
    const nonce = oidc.randomNonce()
    const codeVerifier = oidc.randomPKCECodeVerifier()
    const now = clock.now()
    await deleteExpiredPendingSignIns(db, now)
    await insertPendingSignIn(db, {
      stateHash: tokenHash(state),
      organisationId,
      nonce,
      codeVerifier,
      expiresAt: new Date(now.getTime() + pendingMinutes * 60_000),
    })
    const url = oidc.buildAuthorizationUrl(client, {
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: 'openid email profile',
      state,
      nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
    })
    return { url: url.href, state }
  }

  async function finish(
    callbackUrl: URL,
    browserState: string | undefined,
  ): Promise<OrganisationSignInOutcome> {
    const state = callbackUrl.searchParams.get('state') ?? ''
    // The state must be the one this browser was given: a link to a callback made for another
    // browser (login CSRF) fails here.
    if (!state || !browserState || !sameText(state, browserState)) return { kind: 'failed' }
    const pending = await takePendingSignIn(db, tokenHash(state))
    if (!pending || pending.expiresAt <= clock.now()) return { kind: 'failed' }
    const settings = await settingsOf(db, pending.organisationId)
    const organisation = await organisationById(db, pending.organisationId)
    if (!settings?.enabled || !organisation) return { kind: 'failed' }

    let claims: Record<string, unknown>
    let client: oidc.Configuration
    try {
      client = await clientFor(settings)
      const tokens = await oidc.authorizationCodeGrant(client, callbackUrl, {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      })
      claims = { ...tokens.claims() }
      // Entra ID puts groups in the ID token; other providers give them only from userinfo.
      if (claims[settings.groupsClaim] === undefined && client.serverMetadata().userinfo_endpoint) {
        const info = await oidc.fetchUserInfo(client, tokens.access_token, String(claims.sub))
        claims = { ...info, ...claims, [settings.groupsClaim]: info[settings.groupsClaim] }
      }
    } catch {
      return { kind: 'failed' }
    }
    const issuerUrl = String(claims.iss)
    const subject = String(claims.sub)
    const email = String(claims.email ?? claims.preferred_username ?? '')
      .trim()
      .toLowerCase()
    const role = roleForGroups(claims[settings.groupsClaim], settings.groupRoles, organisation.kind)

    const account = db.transaction().execute(async (trx): Promise<OrganisationSignInOutcome> => {
      const now = clock.now()
      // Ids and the issuer only: the audit trail keeps no provider's names, e-mails or groups.
      const audit = (action: (typeof actions)[keyof typeof actions], userId: string | null, extra = {}) =>
        recordAudit(trx, {
          actorUserId: userId,
          organisationId: organisation.id,
          action,
          entityType: userId ? 'user' : 'organisation',
          entityId: userId ?? organisation.id,
          after: { issuerUrl, ...extra },
          occurredAt: now,
        })
      if (!role) {
        await audit(actions.refusedNoMappedGroup, null)
        // Taken out of every mapped group in the directory: the account they had goes too, with every
        // session it has open, as when an admin disables a user. No account is made for a newcomer.
        const linked = await userOfIdentity(trx, issuerUrl, subject)
        if (linked && linked.organisationId === organisation.id && linked.status !== 'disabled') {
          await disableAccount(trx, linked.id, now)
          await audit(actions.accountDisabledNoMappedGroup, linked.id, {
            before: linked.status,
            status: 'disabled',
          })
        }
        return { kind: 'no-mapped-group', organisationName: organisation.name }
      }
      let user = await userOfIdentity(trx, issuerUrl, subject)
      if (!user) {
        if (!email.includes('@')) return { kind: 'failed' }
        const sameEmail = await userByEmail(trx, email)
        if (
          sameEmail &&
          (sameEmail.organisationId !== organisation.id || (await hasIdentity(trx, sameEmail.id)))
        ) {
          await audit(actions.refusedOtherOrganisation, null)
          return { kind: 'refused', reason: 'other-organisation' }
        }
        if (sameEmail) {
          await insertIdentity(trx, { issuerUrl, subject, userId: sameEmail.id }, now)
          await audit(actions.accountLinked, sameEmail.id)
          user = sameEmail
        } else {
          const displayName = String(claims.name ?? email).slice(0, 200)
          const id = await insertUser(trx, { email, displayName, role, organisationId: organisation.id }, now)
          await insertIdentity(trx, { issuerUrl, subject, userId: id }, now)
          await audit(actions.accountCreated, id, { role })
          user = { id, organisationId: organisation.id, role, status: 'active' }
        }
      }
      if (user.organisationId !== organisation.id) {
        await audit(actions.refusedOtherOrganisation, user.id)
        return { kind: 'refused', reason: 'other-organisation' }
      }
      if (user.status === 'disabled') {
        await audit(actions.refusedDisabledAccount, user.id)
        return { kind: 'refused', reason: 'disabled' }
      }
      // Invited but never set a password: their directory's groups vouch for them now, so the
      // invitation counts as accepted (loadActor lets in active accounts only).
      if (user.status === 'invited') {
        await activateInvitedUser(trx, user.id, now)
        await audit(actions.invitationAccepted, user.id, { before: 'invited', status: 'active' })
      }
      // The directory's groups decide the role: a change there is taken at the next sign-in.
      if (user.role !== role) {
        await setUserRole(trx, user.id, role, now)
        await audit(actions.roleChanged, user.id, { before: user.role, role })
      }
      await markSignedIn(trx, user.id, now)
      const sessionToken = await createSession(trx, user.id, now)
      await insertSingleSignOnSession(trx, {
        sessionTokenHash: tokenHash(sessionToken),
        organisationId: organisation.id,
      })
      await audit(actions.signedIn, user.id)
      return { kind: 'signed-in', sessionToken, userId: user.id }
    })
    // The same person's first sign-in twice at once: the second meets the first's new account.
    return account.catch((error: unknown) => {
      if ((error as { code?: string }).code === '23505') return { kind: 'failed' } as const
      throw error
    })
  }

  // The provider's sign-out (RP-initiated logout), coming back to CareHub's sign-in page; null when it
  // has none, or the organisation has no single sign-on.
  async function providerSignOut(
    organisationId: string,
  ): Promise<{ url: string | null; organisationName: string } | null> {
    const settings = await settingsOf(db, organisationId)
    const organisation = settings?.enabled ? await organisationById(db, organisationId) : undefined
    if (!settings || !organisation) return null
    const client = await clientFor(settings)
    const url = client.serverMetadata().end_session_endpoint
      ? oidc.buildEndSessionUrl(client, {
          client_id: settings.clientId,
          post_logout_redirect_uri: signedOutUri,
        }).href
      : null
    return { url, organisationName: organisation.name }
  }

  return { organisationsOffered, start, finish, providerSignOut }
}

export type OrganisationSignInService = ReturnType<typeof createOrganisationSignInService>

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}
