import type { Db } from '../../src/db/database.ts'
import type { Actor } from '../../src/domain/policy.ts'
import { loadActor } from '../../src/modules/access/actor.repository.ts'

// A user as a signed-in request sees them, for tests that call a capability's service directly.
export async function actorOf(db: Db, userId: string): Promise<Actor> {
  const found = await loadActor(db, userId)
  if (!found) throw new Error(`No active user ${userId}`)
  return found.actor
}
