import { openSecret, sealSecret } from '../../domain/secret-box.ts'
import { tokenHash } from './credentials.ts'

// The key someone is setting up is kept by their browser, not the database, until a code from their app
// confirms it: the set-up page (a GET, which must change nothing) seals it with whose it is, the sign-in
// (session) it was shown in and when it was made, and the form carries it back. Sealed under its own
// purpose, so neither a stored key nor any other sealed value can be passed off as one.
export const keyBeingSetUpPurpose = 'two-step-key-being-set-up'

// How long a key shown on the set-up page can be confirmed: a session idle this long has ended anyway.
export const keyBeingSetUpMinutes = 30

type Sealed = { userId: string; session: string; key: string; madeAt: number }

export type KeyBeingSetUp =
  | { ok: true; key: string }
  // `other`: made for another person or sign-in, altered, or not sealed by this service at all.
  | { ok: false; reason: 'other' | 'expired' }

export function sealKeyBeingSetUp(
  serviceSecret: string,
  who: { userId: string; sessionToken: string },
  key: string,
  now: Date,
): string {
  const sealed: Sealed = {
    userId: who.userId,
    session: tokenHash(who.sessionToken),
    key,
    madeAt: now.getTime(),
  }
  return sealSecret(serviceSecret, keyBeingSetUpPurpose, JSON.stringify(sealed))
}

export function openKeyBeingSetUp(
  serviceSecret: string,
  sealed: string,
  who: { userId: string; sessionToken: string },
  now: Date,
): KeyBeingSetUp {
  const plain = sealed ? openSecret(serviceSecret, keyBeingSetUpPurpose, sealed) : null
  const opened = plain === null ? null : (JSON.parse(plain) as Sealed)
  if (!opened || opened.userId !== who.userId || opened.session !== tokenHash(who.sessionToken))
    return { ok: false, reason: 'other' }
  const age = now.getTime() - opened.madeAt
  if (age > keyBeingSetUpMinutes * 60_000) return { ok: false, reason: 'expired' }
  return { ok: true, key: opened.key }
}
