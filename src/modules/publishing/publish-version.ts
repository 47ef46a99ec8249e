import type { Transaction } from 'kysely'
import type { Database } from '../../db/schema.ts'
import {
  forPublication,
  type PublicationContent,
  type PublishedContent,
  type VersionFacts,
} from './domain/content.ts'
import { renderCsv } from './domain/render-csv.ts'
import { renderDocx } from './domain/render-docx.ts'
import { renderHtml } from './domain/render-html.ts'
import type { SuppressionRule } from './domain/suppression.ts'
import type { PublicationKind } from './publication-kinds.ts'
import { publishingPaths } from './publishing.paths.ts'
import { addEvent } from './publishing.repository.ts'

// Publishing one version, in the caller's transaction: its content is built from the data as it stands
// at `at`, suppressed and stripped of sensitive fields, rendered to HTML, DOCX and CSV (and the kind's
// own data file, if it has one), and the bytes are stored with it. From then on the version is frozen (a trigger refuses any change).
export async function publishVersion(
  trx: Transaction<Database>,
  args: {
    kind: PublicationKind
    councilId: string
    versionId: string
    publicationId: string
    version: number
    changeNote: string | null
    at: Date
    signedOff: { userId: string | null; name: string }
    baseUrl: string
    rule: SuppressionRule
  },
): Promise<{ content: PublicationContent; published: PublishedContent }> {
  const content = await args.kind.build(trx, args.councilId, args.at)
  const published = forPublication(content, args.rule)
  const facts: VersionFacts = {
    version: args.version,
    publishedAt: args.at.toISOString(),
    signedOffName: args.signedOff.name,
    changeNote: args.changeNote,
    address: `${args.baseUrl}${publishingPaths.publishedVersion.build(args.publicationId, String(args.version))}`,
  }
  const html = Buffer.from(renderHtml(published, facts), 'utf8')
  const docx = await renderDocx(published, facts)
  const csv = Buffer.from(renderCsv(published, facts), 'utf8')
  const dataFile = args.kind.dataFile
  const data = dataFile ? await dataFile.build(trx, args.councilId, args.at) : null
  await trx
    .updateTable('publicationVersions')
    .set({
      status: 'published',
      signedOffBy: args.signedOff.userId,
      signedOffName: args.signedOff.name,
      publishedAt: args.at,
      content: JSON.stringify(published),
      html,
      docx,
      csv,
      dataFile: data,
      dataFileName: dataFile ? dataFile.name : null,
      dataFileType: dataFile ? dataFile.mediaType : null,
    })
    .where('id', '=', args.versionId)
    .execute()
  await addEvent(trx, {
    versionId: args.versionId,
    kind: 'published',
    details: { signedOffBy: args.signedOff.name },
    actorUserId: args.signedOff.userId,
    occurredAt: args.at,
  })
  return { content, published }
}
