import type { Clock } from '../../domain/clock.ts'

// Releasing the Idempotency-Key of a request that failed, so that the client's retry is processed
// afresh rather than told "in progress" until the claim is abandoned (five minutes).
//
// The release deletes the request's own claim: the row still pending with the time it was claimed at,
// so it can never remove a later claim of the same key (after a takeover, say). When the request
// failed because the database went away, the release fails too. It is then owed: kept in this process
// and tried again in the background every second until it is done (or until the claim is old enough to
// be taken over anyway); and a request of this process claiming the same key makes it first, so the
// client's retry here is answered as soon as the database is back.
//
// Why in this process and not in the database: only the process that served the failed request knows
// that its claim is dead, and the database cannot be told while it is away. A column naming each claim's
// owner with a heartbeat, or a session lock held for each request, would cost a migration and a write or
// a connection per request to handle a rare event. With several app instances, a retry that reaches
// another instance before the release is made there gets 409 request-in-progress with Retry-After: 1,
// and is answered once the owing instance has made its release, a second or so after the database
// comes back; if that instance stopped meanwhile, the claim is taken over after five minutes as before.

// Deletes the claims of the key made at these times that are still pending.
export type ReleaseClaims = (tokenId: string, key: string, claimedAt: Date[]) => Promise<void>

// The claims of one key this process owes a release for (usually one; more when several requests with
// the key failed at once).
type Owed = { tokenId: string; key: string; claims: Date[]; releasing: Promise<void> | null }

const retryEveryMs = 1_000
// Memory stays bounded whatever the outage: beyond this, the oldest are left to be taken over.
const owedAtMost = 10_000

export function createKeyReleases(deps: {
  release: ReleaseClaims
  clock: Clock
  // A claim this old may be taken over by the next request with its key: no need to release it.
  forgetAfterMs: number
}) {
  const owed = new Map<string, Owed>()
  let timer: NodeJS.Timeout | null = null
  let stopped = false
  const idOf = (tokenId: string, key: string) => `${tokenId} ${key}`

  // One release at a time for a key, taking in claims owed meanwhile: a retry here waits for one the
  // background has started, so that the retry's own claim is never made before it.
  function attempt(id: string, entry: Owed): Promise<void> {
    entry.releasing ??= (async () => {
      try {
        while (entry.claims.length) {
          const claims = [...entry.claims]
          await deps.release(entry.tokenId, entry.key, claims)
          entry.claims = entry.claims.filter((c) => !claims.includes(c))
        }
        if (owed.get(id) === entry) owed.delete(id)
      } finally {
        entry.releasing = null
      }
    })()
    return entry.releasing
  }

  function schedule() {
    if (timer || stopped || owed.size === 0) return
    timer = setTimeout(() => {
      timer = null
      void retryOwed().finally(schedule)
    }, retryEveryMs)
    // It must not keep a stopping process alive.
    timer.unref()
  }

  async function retryOwed() {
    const oldest = deps.clock.now().getTime() - deps.forgetAfterMs
    for (const [id, entry] of [...owed]) {
      entry.claims = entry.claims.filter((c) => c.getTime() > oldest)
      try {
        await attempt(id, entry)
      } catch {
        // Still unreachable: the rest would fail alike; next time.
        return
      }
    }
  }

  // Never throws: a failed request's answer must not fail by its key's release.
  async function release(tokenId: string, key: string, claimedAt: Date) {
    const id = idOf(tokenId, key)
    let entry = owed.get(id)
    if (!entry) {
      entry = { tokenId, key, claims: [], releasing: null }
      owed.set(id, entry)
    }
    entry.claims.push(claimedAt)
    try {
      await attempt(id, entry)
    } catch {
      if (owed.size > owedAtMost) owed.delete(owed.keys().next().value!)
      schedule()
    }
  }

  // Before this process claims the key again: the release it owes for it, if any, is made first.
  // Throws when it still cannot be made (the database is still away, so the claim would fail too).
  async function settle(tokenId: string, key: string) {
    const id = idOf(tokenId, key)
    for (let entry = owed.get(id); entry; entry = owed.get(id)) await attempt(id, entry)
  }

  return {
    release,
    settle,
    owed: () => owed.size,
    stop() {
      stopped = true
      if (timer) clearTimeout(timer)
      timer = null
    },
  }
}

export type KeyReleases = ReturnType<typeof createKeyReleases>
