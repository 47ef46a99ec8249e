import type { DbOrTransaction } from '../../db/database.ts'

// What other capabilities add to signing in and out (extension points, src/capability.ts), kept in one
// file so that access's sign-in code changes by a line or two for each.

// True when an organisation's users must not sign in with a password (its single sign-on requires it):
// their password sign-in is refused and no password reset link is sent to them.
export type PasswordSignInOffCheck = (db: DbOrTransaction, organisationId: string) => Promise<boolean>

// Where the browser goes after a session ends (an identity provider's own sign-out), or null. Called
// with the session's token hash before the session is deleted.
export type SignedOutRedirect = (db: DbOrTransaction, sessionTokenHash: string) => Promise<string | null>

export type SignInHooks = {
  passwordSignInOff?: readonly PasswordSignInOffCheck[]
  signedOutRedirect?: readonly SignedOutRedirect[]
}

export async function passwordSignInIsOff(
  hooks: SignInHooks,
  db: DbOrTransaction,
  organisationId: string,
): Promise<boolean> {
  for (const check of hooks.passwordSignInOff ?? []) if (await check(db, organisationId)) return true
  return false
}

export async function redirectAfterSignOut(
  hooks: SignInHooks,
  db: DbOrTransaction,
  sessionTokenHash: string,
): Promise<string | null> {
  for (const redirect of hooks.signedOutRedirect ?? []) {
    const to = await redirect(db, sessionTokenHash)
    if (to) return to
  }
  return null
}
