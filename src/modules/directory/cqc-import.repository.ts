import type { DbOrTransaction } from '../../db/database.ts'

// The SQL behind the CQC imports' pages. Each function takes the database or a transaction first; who
// may see which import is the service's question (`organisationId`: null for a regional body, who sees
// every import).

export async function councilNames(db: DbOrTransaction, councilIds: readonly string[]): Promise<string[]> {
  if (councilIds.length === 0) return []
  const rows = await db
    .selectFrom('organisations')
    .select('name')
    .where('id', 'in', councilIds)
    .orderBy('name')
    .execute()
  return rows.map((r) => r.name)
}

function importsOf(db: DbOrTransaction, organisationId: string | null) {
  let query = db.selectFrom('cqcImports').leftJoin('users', 'users.id', 'cqcImports.createdBy')
  if (organisationId !== null) query = query.where('cqcImports.organisationId', '=', organisationId)
  return query
}

export function findImport(db: DbOrTransaction, organisationId: string | null, id: string) {
  return importsOf(db, organisationId)
    .select([
      'cqcImports.id',
      'cqcImports.fileName',
      'cqcImports.fileHash',
      'cqcImports.format',
      'cqcImports.areaName',
      'cqcImports.closeMissing',
      'cqcImports.status',
      'cqcImports.counts',
      'cqcImports.error',
      'cqcImports.createdAt',
      'cqcImports.savedAt',
      'users.displayName as importedBy',
    ])
    .where('cqcImports.id', '=', id)
    .executeTakeFirst()
}

// One page of imports, newest first, and how many there are.
export async function listImports(
  db: DbOrTransaction,
  organisationId: string | null,
  page: { number: number; size: number },
) {
  const countRow = await importsOf(db, organisationId)
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow()
  const imports = await importsOf(db, organisationId)
    .select([
      'cqcImports.id',
      'cqcImports.fileName',
      'cqcImports.status',
      'cqcImports.counts',
      'cqcImports.createdAt',
      'cqcImports.areaName',
      'users.displayName as importedBy',
    ])
    .orderBy('cqcImports.createdAt', 'desc')
    .limit(page.size)
    .offset((page.number - 1) * page.size)
    .execute()
  return { imports, total: Number(countRow.n) }
}

export function problemsCsvOf(db: DbOrTransaction, id: string) {
  return db
    .selectFrom('cqcImports')
    .select(['problemsCsv', 'fileName'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow()
}

// The file as stored (compressed, or as uploaded before files were compressed).
export async function storedFileContent(db: DbOrTransaction, id: string): Promise<Buffer> {
  const row = await db
    .selectFrom('cqcImports')
    .select('fileContent')
    .where('id', '=', id)
    .executeTakeFirstOrThrow()
  return row.fileContent
}
