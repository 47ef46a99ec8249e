import type { SingleSignOnFromEnvironment } from '../../config.ts'
import type { Db } from '../../db/database.ts'
import type { Clock } from '../../domain/clock.ts'
import { isUuid, type Outcome } from '../../domain/outcome.ts'
import type { Actor } from '../../domain/policy.ts'
import { openSecret, sealSecret } from '../../domain/secret-box.ts'
import { recordAudit } from '../audit/index.ts'
import {
  formatGroupRoles,
  issuerProblem,
  maySignInWithOrganisationAccount,
  parseGroupRoles,
} from './domain/group-roles.rules.ts'
import { singleSignOnAuditActions } from './single-sign-on.audit-actions.ts'
import { type SettingsForm, settingsFormFrom } from './single-sign-on.forms.ts'
import {
  organisationById,
  organisationByOnsCode,
  type SettingsValues,
  saveSettings,
  settingsOf,
} from './single-sign-on.repository.ts'

// The purpose the client secret is sealed for (src/domain/secret-box.ts).
export const clientSecretPurpose = 'sso-client-secret'

// Each organisation's identity provider, set by its admin (or the install administrator) on its page, or
// for one organisation by SSO_* environment variables.
export function createSingleSignOnSettingsService(deps: {
  db: Db
  clock: Clock
  cookieSecret: string
  fromEnvironment: SingleSignOnFromEnvironment | null
  // Plain HTTP to this machine's own issuer (a test provider): never in production.
  allowLoopbackHttp: boolean
}) {
  const { db, clock, cookieSecret } = deps

  // The organisation, when this actor may set its single sign-on: its own admin, or the install's.
  async function organisationFor(actor: Actor, organisationId: string) {
    if (!isUuid(organisationId)) return null
    const mayConfigure =
      actor.role === 'install_admin' || (actor.role === 'admin' && actor.organisationId === organisationId)
    if (!mayConfigure) return null
    const organisation = await organisationById(db, organisationId)
    return organisation && maySignInWithOrganisationAccount(organisation.kind) ? organisation : null
  }

  async function settingsPage(actor: Actor, organisationId: string) {
    const organisation = await organisationFor(actor, organisationId)
    if (!organisation) return null
    const settings = await settingsOf(db, organisationId)
    return {
      organisation,
      fromEnvironment: settings?.fromEnvironment ?? false,
      secretSet: settings !== undefined,
      // The form's values: never the secret, only whether one is set.
      values: settings
        ? {
            issuerUrl: settings.issuerUrl,
            clientId: settings.clientId,
            groupsClaim: settings.groupsClaim,
            groupRoles: formatGroupRoles(settings.groupRoles),
            passwordSignIn: settings.passwordSignInOff ? 'off' : 'on',
            enabled: settings.enabled ? 'yes' : 'no',
          }
        : { groupsClaim: 'groups', passwordSignIn: 'on', enabled: 'yes' },
    }
  }

  async function save(actor: Actor, organisationId: string, body: unknown): Promise<Outcome<null> | null> {
    const organisation = await organisationFor(actor, organisationId)
    if (!organisation) return null
    return db.transaction().execute(async (trx) => {
      const existing = await settingsOf(trx, organisationId)
      if (existing?.fromEnvironment)
        return {
          ok: false,
          errors: {
            issuerUrl:
              'These settings are set by the service’s SSO_ environment variables: change them there',
          },
        } as const
      const form = settingsFormFrom(body, organisation.kind, existing !== undefined, deps.allowLoopbackHttp)
      if (!form.ok) return form
      const now = clock.now()
      const values = valuesOf(organisationId, form.value, existing?.clientSecretSealed, false)
      await saveSettings(trx, values, now)
      await recordAudit(trx, {
        actorUserId: actor.userId,
        organisationId,
        action: singleSignOnAuditActions.settingsSaved,
        entityType: 'organisation',
        entityId: organisationId,
        before: existing ? auditedSettings(existing) : null,
        after: { ...auditedSettings(values), clientSecretReplaced: form.value.clientSecret !== '' },
        occurredAt: now,
      })
      return { ok: true, value: null } as const
    })
  }

  function valuesOf(
    organisationId: string,
    form: SettingsForm,
    sealedBefore: string | undefined,
    fromEnvironment: boolean,
  ): SettingsValues {
    return {
      organisationId,
      issuerUrl: form.issuerUrl,
      clientId: form.clientId,
      clientSecretSealed: form.clientSecret
        ? sealSecret(cookieSecret, clientSecretPurpose, form.clientSecret)
        : sealedBefore!,
      groupsClaim: form.groupsClaim,
      groupRoles: form.groupRoles,
      passwordSignInOff: form.passwordSignInOff,
      enabled: form.enabled,
      fromEnvironment,
    }
  }

  // At start-up: SSO_* settings written to their organisation's row, so that sign-in and the password
  // check read one place. Written (and audited) only when they differ from what is there.
  async function applyEnvironmentSettings(): Promise<
    'none' | 'unchanged' | 'applied' | 'organisation-not-found'
  > {
    const env = deps.fromEnvironment
    if (!env) return 'none'
    const found =
      'id' in env.organisation
        ? await organisationById(db, env.organisation.id)
        : await organisationByOnsCode(db, env.organisation.onsCode).then(
            (o) => o && organisationById(db, o.id),
          )
    if (!found || !maySignInWithOrganisationAccount(found.kind)) return 'organisation-not-found'
    const issuer = issuerProblem(env.issuerUrl, deps.allowLoopbackHttp)
    if (issuer) throw new Error(`SSO_ISSUER: ${issuer}`)
    const groupRoles = parseGroupRoles(env.groupRoles, found.kind)
    if (!groupRoles.ok) throw new Error(`SSO_GROUP_ROLES: ${groupRoles.error}`)
    return db.transaction().execute(async (trx) => {
      const existing = await settingsOf(trx, found.id)
      const form: SettingsForm = { ...env, groupRoles: groupRoles.value, enabled: true }
      const values = valuesOf(found.id, form, undefined, true)
      const same =
        existing?.fromEnvironment &&
        sameSettings(auditedSettings(existing), auditedSettings(values)) &&
        openSecret(cookieSecret, clientSecretPurpose, existing.clientSecretSealed) === env.clientSecret
      if (same) return 'unchanged'
      const now = clock.now()
      await saveSettings(trx, values, now)
      await recordAudit(trx, {
        actorUserId: null,
        organisationId: found.id,
        action: singleSignOnAuditActions.settingsSetFromEnvironment,
        entityType: 'organisation',
        entityId: found.id,
        before: existing ? auditedSettings(existing) : null,
        after: auditedSettings(values),
        occurredAt: now,
      })
      return 'applied'
    })
  }

  return { settingsPage, save, applyEnvironmentSettings }
}

export type SingleSignOnSettingsService = ReturnType<typeof createSingleSignOnSettingsService>

// What the audit trail keeps of the settings: everything but the secret.
function auditedSettings(s: Omit<SettingsValues, 'organisationId' | 'clientSecretSealed'>) {
  return {
    issuerUrl: s.issuerUrl,
    clientId: s.clientId,
    groupsClaim: s.groupsClaim,
    groupRoles: s.groupRoles,
    passwordSignInOff: s.passwordSignInOff,
    enabled: s.enabled,
    fromEnvironment: s.fromEnvironment,
  }
}

// jsonb keeps an object's keys in its own order: compare the groups sorted.
function sameSettings(a: ReturnType<typeof auditedSettings>, b: ReturnType<typeof auditedSettings>) {
  const canonical = (s: ReturnType<typeof auditedSettings>) =>
    JSON.stringify({ ...s, groupRoles: Object.entries(s.groupRoles).sort() })
  return canonical(a) === canonical(b)
}
