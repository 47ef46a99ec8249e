import { createHash, randomBytes } from 'node:crypto'
import { Algorithm, hash, verify } from '@node-rs/argon2'

// argon2id with the OWASP-recommended minimum parameters (19 MiB, 2 iterations).
const argonOptions = { algorithm: Algorithm.Argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 }

export function hashPassword(password: string): Promise<string> {
  return hash(password, argonOptions)
}

export async function verifyPassword(passwordHash: string | null, password: string): Promise<boolean> {
  if (!passwordHash) {
    // Spend the same time as a real check so that unknown accounts cannot be told apart by timing.
    await hash(password, argonOptions)
    return false
  }
  try {
    return await verify(passwordHash, password)
  } catch {
    return false
  }
}

export function newToken(): string {
  return randomBytes(32).toString('base64url')
}

export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}
