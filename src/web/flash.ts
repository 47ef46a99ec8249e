// What a page says it just did ("Area 2 changed", "3 checks assigned") comes back in the query string
// after a redirect. Anyone can write a link with any query, so a page shows only the values its own
// redirects send (a count, an area or action number, an id): a link cannot put words of its own in a
// success banner on a CareHub page.
const ownValue =
  /^(?:\d{1,9}(?:\.\d{1,9}){0,2}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i

export type Flash = Record<string, string>

export function flashFrom(query: unknown): Flash {
  if (typeof query !== 'object' || query === null) return {}
  return Object.fromEntries(
    Object.entries(query).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string' && ownValue.test(entry[1]),
    ),
  )
}

// A banner whose words name what was done ("2,000 pairs of gloves added") travels signed with the
// cookie secret (@fastify/cookie's signer), so only CareHub's own redirect can have written it.
type Signer = { signCookie(value: string): string }
type Unsigner = { unsignCookie(value: string): { valid: boolean; value: string | null } }

export function signedNotice(reply: Signer, words: string): string {
  return encodeURIComponent(reply.signCookie(words))
}

export function noticeFrom(request: Unsigner, value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined
  const opened = request.unsignCookie(value)
  return opened.valid && opened.value ? opened.value : undefined
}
