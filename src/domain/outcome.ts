// What a use case answers when the input may be wrong: the value, or an error per field in GOV.UK words.
export type FieldErrors = Record<string, string>
export type Outcome<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors }

// Ids in URLs are checked before they reach the database (a malformed one is simply not found).
export function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)
}
