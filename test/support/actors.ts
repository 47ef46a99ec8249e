import type { DbOrTransaction } from '../../src/db/database.ts'
import type { Actor } from '../../src/domain/policy.ts'
import { loadActor } from '../../src/modules/access/actor.repository.ts'

// The Actor the policy sees for a user, as signing in builds it: for tests that call a service directly.
export async function actorFor(db: DbOrTransaction, userId: string): Promise<Actor> {
  const loaded = await loadActor(db, userId)
  if (!loaded) throw new Error(`No active user ${userId}`)
  return loaded.actor
}
