// GOV.UK form helpers: error summaries, error messages, pagination and query parsing.
import type { FieldErrors } from '../domain/outcome.ts'

export type { FieldErrors }

export function errorSummary(errors: FieldErrors, order: string[] = Object.keys(errors)) {
  return order.filter((field) => errors[field]).map((field) => ({ text: errors[field], href: `#${field}` }))
}

// A date's error links to its day box, the first of the three (GOV.UK date input pattern): fields
// named …Date are date inputs.
export const toFirstDateField = <T extends { href: string }>(list: T[]) =>
  list.map((e) => (/^#\w+Date$/.test(e.href) ? { ...e, href: `${e.href}-day` } : e))

export function errorMessage(errors: FieldErrors, field: string) {
  return errors[field] ? { text: errors[field] } : undefined
}

export function text(value: unknown): string {
  return typeof value === 'string' ? value : ''
}

export function pageNumber(value: unknown): number {
  const n = Number.parseInt(text(value), 10)
  return Number.isFinite(n) && n >= 1 && n <= 100_000 ? n : 1
}

export type PaginationView = {
  items: ({ number: number; href: string; current: boolean } | { ellipsis: true })[]
  previous?: { href: string }
  next?: { href: string }
  from: number
  to: number
  total: number
}

// Builds the govukPagination parameters, keeping the other query parameters (filters) on every link.
export function pagination(
  basePath: string,
  query: Record<string, string>,
  page: number,
  pageSize: number,
  total: number,
): PaginationView {
  const pages = Math.max(1, Math.ceil(total / pageSize))
  const href = (n: number) => {
    const params = new URLSearchParams({ ...query, page: String(n) })
    for (const [k, v] of [...params.entries()]) if (!v) params.delete(k)
    return `${basePath}?${params.toString()}`
  }
  const shown = new Set([1, pages, page - 1, page, page + 1].filter((n) => n >= 1 && n <= pages))
  return {
    items: [...shown]
      .sort((a, b) => a - b)
      .flatMap((n, i, all) => {
        const item = { number: n, href: href(n), current: n === page }
        return i > 0 && n > all[i - 1]! + 1 ? [{ ellipsis: true as const }, item] : [item]
      }),
    previous: page > 1 ? { href: href(page - 1) } : undefined,
    next: page < pages ? { href: href(page + 1) } : undefined,
    from: total === 0 ? 0 : (page - 1) * pageSize + 1,
    to: Math.min(total, page * pageSize),
    total,
  }
}

// A page to go back to after a form, as the form was given it (`returnTo`): a path on this site, or
// null. Anything that could leave the site (`//evil.example`, `https://…`, `/\evil`) is refused, so the
// redirect cannot be turned into an open redirect.
export function localReturnPath(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > 500) return null
  if (!value.startsWith('/') || value.startsWith('//') || /[\\\s]/.test(value)) return null
  if ([...value].some((c) => c.charCodeAt(0) < 32 || c.charCodeAt(0) === 127)) return null
  const base = 'http://carehub.invalid'
  let url: URL
  try {
    url = new URL(value, base)
  } catch {
    return null
  }
  return url.origin === base ? `${url.pathname}${url.search}${url.hash}` : null
}

// A local path with one more query parameter (a flash such as `contactLogged=1`), before any #fragment.
export function withQuery(path: string, name: string, value: string): string {
  const url = new URL(path, 'http://carehub.invalid')
  url.searchParams.set(name, value)
  return `${url.pathname}${url.search}${url.hash}`
}
