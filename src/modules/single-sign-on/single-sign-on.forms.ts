import { z } from 'zod'
import type { FieldErrors, Outcome } from '../../domain/outcome.ts'
import type { OrganisationKind } from '../../domain/roles.ts'
import { choice, type FormMessages, optionalText, parseForm } from '../../web/form-schema.ts'
import { type GroupRoles, issuerProblem, parseGroupRoles } from './domain/group-roles.rules.ts'

// The single sign-on settings form as posted, and what it means once checked.
export type SettingsForm = {
  issuerUrl: string
  clientId: string
  // Blank keeps the secret already set.
  clientSecret: string
  groupsClaim: string
  groupRoles: GroupRoles
  passwordSignInOff: boolean
  enabled: boolean
}

export const settingsFields = [
  'issuerUrl',
  'clientId',
  'clientSecret',
  'groupsClaim',
  'groupRoles',
  'passwordSignIn',
  'enabled',
]

const tooLong = (what: string, max: number) => ({ tooLong: `${what} must be ${max} characters or fewer` })
const fields = z.object({
  issuerUrl: optionalText(tooLong('The issuer URL', 500), 500),
  clientId: optionalText(tooLong('The client ID', 200), 200),
  clientSecret: optionalText(tooLong('The client secret', 500), 500),
  groupsClaim: optionalText(tooLong('The claim name', 100), 100),
  groupRoles: optionalText(tooLong('The groups and roles', 5000), 5000),
  passwordSignIn: choice(['on', 'off'], {
    missing: 'Select whether this organisation’s users may still sign in with a password',
  }),
  enabled: choice(['yes', 'no'], { missing: 'Select whether single sign-on is turned on' }),
})
const messages: FormMessages<typeof fields> = {
  issuerUrl: 'Enter the issuer URL',
  clientId: 'Enter the client ID',
  clientSecret: 'Enter the client secret',
  groupsClaim: 'Enter the name of the groups claim',
  groupRoles: 'Enter the groups and the roles they give',
  passwordSignIn: 'Select whether this organisation’s users may still sign in with a password',
  enabled: 'Select whether single sign-on is turned on',
}

export function settingsFormFrom(
  body: unknown,
  kind: OrganisationKind,
  secretAlreadySet: boolean,
  allowLoopbackHttp: boolean,
): Outcome<SettingsForm> {
  const form = parseForm(fields, body, messages)
  const errors: FieldErrors = form.ok ? {} : { ...form.errors }
  const value = form.ok ? form.value : null
  const given = (body ?? {}) as Record<string, unknown>
  const textOf = (name: string) => (typeof given[name] === 'string' ? (given[name] as string).trim() : '')
  const issuer = issuerProblem(textOf('issuerUrl'), allowLoopbackHttp)
  if (issuer) errors.issuerUrl ??= issuer
  if (!textOf('clientId'))
    errors.clientId ??= 'Enter the client ID (application ID) CareHub is registered with'
  if (!secretAlreadySet && !textOf('clientSecret')) errors.clientSecret ??= 'Enter the client secret'
  const claim = textOf('groupsClaim') || 'groups'
  if (!/^[A-Za-z0-9_:./-]{1,100}$/.test(claim))
    errors.groupsClaim ??= 'Enter the claim name with letters, numbers, and _ : . / - only, like groups'
  const groupRoles = parseGroupRoles(textOf('groupRoles'), kind)
  if (!groupRoles.ok) errors.groupRoles ??= groupRoles.error
  if (Object.keys(errors).length || !value || !groupRoles.ok) return { ok: false, errors }
  return {
    ok: true,
    value: {
      issuerUrl: value.issuerUrl,
      clientId: value.clientId,
      clientSecret: value.clientSecret,
      groupsClaim: claim,
      groupRoles: groupRoles.value,
      passwordSignInOff: value.passwordSignIn === 'off',
      enabled: value.enabled === 'yes',
    },
  }
}
