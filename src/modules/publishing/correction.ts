import type { DbOrTransaction } from '../../db/database.ts'
import { isUuid } from '../../domain/outcome.ts'
import type { Actor } from '../../domain/policy.ts'
import { mayPrepare } from './domain/workflow.ts'
import { findPublication, versionsOf } from './publishing.repository.ts'

// The latest version of a publication, when the actor may correct it: theirs to prepare (their
// council's), and published. Null otherwise, so the correction's page and its form are both 404.
export async function correctableVersion(db: DbOrTransaction, actor: Actor, id: string) {
  if (!mayPrepare(actor) || !isUuid(id)) return null
  const publication = await findPublication(db, id)
  if (!publication || !actor.councilIds.includes(publication.councilId)) return null
  const latest = (await versionsOf(db, [id])).at(-1)
  return latest?.status === 'published' ? latest : null
}
