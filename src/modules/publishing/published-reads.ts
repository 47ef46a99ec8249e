import type { Db } from '../../db/database.ts'
import { isUuid } from '../../domain/outcome.ts'
import type { Actor } from '../../domain/policy.ts'
import { publishingPaths } from './publishing.paths.ts'
import { findPublication, publishedDataFile, publishedFile, versionsOf } from './publishing.repository.ts'

// What anyone may read of published versions (their stored bytes, the list of a publication's
// versions), and where the latest of a kind is, for links from other pages.
export function createPublishedReads(db: Db) {
  // Public: a published version's stored bytes, and the list of a publication's published versions.
  async function publishedBytes(id: string, version: string, file: 'html' | 'docx' | 'csv') {
    if (!isUuid(id) || !/^\d{1,6}$/.test(version)) return null
    const row = await publishedFile(db, id, Number(version), file)
    return (row?.[file] as Buffer | null | undefined) ?? null
  }

  // Public: a published version's own data file, as stored, with its name and media type.
  async function publishedData(id: string, version: string) {
    if (!isUuid(id) || !/^\d{1,6}$/.test(version)) return null
    const row = await publishedDataFile(db, id, Number(version))
    if (!row?.dataFile || !row.dataFileName || !row.dataFileType) return null
    return { bytes: row.dataFile, name: row.dataFileName, mediaType: row.dataFileType }
  }

  async function publishedVersions(id: string) {
    if (!isUuid(id)) return null
    const publication = await findPublication(db, id)
    if (!publication) return null
    const versions = (await versionsOf(db, [id])).filter((v) => v.status === 'published')
    return versions.length ? { publication, versions } : null
  }

  // Where the latest published version of a kind of output for the actor's councils is (for links).
  async function latestPublished(actor: Actor, kind: string) {
    if (actor.councilIds.length === 0) return null
    const row = await db
      .selectFrom('publications as p')
      .innerJoin('publicationVersions as v', 'v.publicationId', 'p.id')
      .select(['p.id'])
      .where('p.kind', '=', kind)
      .where('p.councilId', 'in', actor.councilIds)
      .where('v.status', '=', 'published')
      .orderBy('v.publishedAt', 'desc')
      .limit(1)
      .executeTakeFirst()
    return row ? publishingPaths.published.build(row.id) : null
  }

  return { latestPublished, publishedBytes, publishedData, publishedVersions }
}
