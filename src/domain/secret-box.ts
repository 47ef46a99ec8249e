import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto'

// Secrets CareHub must read back (a council's single sign-on client secret, a person's two-step key)
// are kept sealed with AES-256-GCM under a key derived from the service's own secret (COOKIE_SECRET, or
// the one kept beside the embedded database), so a copy of the database alone does not reveal them.
// Each purpose has its own key, so a value sealed for one cannot be opened as another. Changing
// COOKIE_SECRET makes sealed values unreadable: they must be entered again.
const version = 'v1'

function keyFor(serviceSecret: string, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', serviceSecret, 'carehub secret box', purpose, 32))
}

export function sealSecret(serviceSecret: string, purpose: string, plain: string): string {
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', keyFor(serviceSecret, purpose), iv)
  const sealed = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
  return [
    version,
    iv.toString('base64url'),
    cipher.getAuthTag().toString('base64url'),
    sealed.toString('base64url'),
  ].join('.')
}

// Null when the value was not sealed by this service for this purpose (or was altered).
export function openSecret(serviceSecret: string, purpose: string, sealed: string): string | null {
  const [v, iv, tag, body] = sealed.split('.')
  if (v !== version || !iv || !tag || body === undefined) return null
  try {
    const decipher = createDecipheriv(
      'aes-256-gcm',
      keyFor(serviceSecret, purpose),
      Buffer.from(iv, 'base64url'),
    )
    decipher.setAuthTag(Buffer.from(tag, 'base64url'))
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8')
  } catch {
    return null
  }
}
