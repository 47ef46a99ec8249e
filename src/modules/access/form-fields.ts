import { z } from 'zod'
import type { Outcome } from '../../domain/outcome.ts'

// Fields of access's forms whose rules the services check (they need the actor or the database, and
// every problem must show at once): the schema only makes each field one string, the first if sent twice.
const firstString = (value: unknown) => {
  const first = Array.isArray(value) ? value[0] : value
  return typeof first === 'string' ? first : ''
}

// Exactly as typed: a password (spaces at either end are part of it), a return path.
export const typedText = () => z.preprocess(firstString, z.string())

// Trimmed, as every stored name and code is.
export const trimmedText = () => z.preprocess((value) => firstString(value).trim(), z.string())

// The fields of a form whose schema only shapes them (above): parsing cannot fail, so a failure is a
// request no form of ours sends.
export function formFields<T>(parsed: Outcome<T>): T {
  if (!parsed.ok) throw Object.assign(new Error('Bad request'), { statusCode: 400 })
  return parsed.value
}
