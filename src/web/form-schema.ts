import { z } from 'zod'
import type { FieldErrors, Outcome } from '../domain/outcome.ts'

// One Zod schema per form: it validates the posted fields, types the handler, and carries the GOV.UK
// message for each way each field can be wrong. Users never see Zod's own wording: a failure the schema
// gives no message for takes the field's message from `fallback`, which every form must give for each
// of its fields (the type requires it).

export type FormMessages<S extends z.ZodObject> = Record<keyof z.input<S> & string, string>

export function parseForm<S extends z.ZodObject>(
  schema: S,
  body: unknown,
  fallback: FormMessages<S>,
): Outcome<z.output<S>> {
  const fields = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>
  const result = schema.safeParse(fields, {
    error: (issue) => fallback[String(issue.path?.[0] ?? '') as keyof typeof fallback],
  })
  if (result.success) return { ok: true, value: result.data }
  const errors: FieldErrors = {}
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? '')
    errors[field] ??= issue.message
  }
  return { ok: false, errors }
}

// Form fields arrive as strings (or not at all, or twice): the builders below take the first, trimmed.
const firstString = (value: unknown) => (Array.isArray(value) ? value[0] : value)
const asText = (value: unknown) => {
  const v = firstString(value)
  return typeof v === 'string' ? v.trim() : ''
}

// Text the user must give, up to `max` characters.
export function requiredText(messages: { missing: string; tooLong: string }, max: number) {
  return z.preprocess(
    asText,
    z.string().min(1, { error: messages.missing }).max(max, { error: messages.tooLong }),
  )
}

// Text the user may leave blank (then ''), up to `max` characters.
export function optionalText(messages: { tooLong: string }, max: number) {
  return z.preprocess(asText, z.string().max(max, { error: messages.tooLong }))
}

// One of a fixed list of answers (radios, a select).
export function choice<const T extends readonly [string, ...string[]]>(
  values: T,
  messages: { missing: string },
) {
  return z.preprocess(asText, z.enum(values, { error: messages.missing }))
}

// Text whose rules need more than the field itself (today's date, the actor's locations): the schema
// takes it as typed ('' when not given) and the capability's domain rules word what is wrong with it.
export function formText() {
  return z.preprocess((value) => firstString(value) ?? '', z.string())
}

// A field given once, several times or not at all (checkboxes): the list of its values.
export function formList() {
  return z.preprocess(
    (value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]),
    z.array(z.string()),
  )
}
