import type { Db } from '../../db/database.ts'
import type { Clock } from '../../domain/clock.ts'
import { isUuid, type Outcome } from '../../domain/outcome.ts'
import { type Actor, can } from '../../domain/policy.ts'
import { recordAudit } from '../audit/index.ts'
import {
  checkDelivered,
  checkPackage,
  checkRows,
  checkVoid,
  type DeliveredRow,
  deliveredFields,
  type NewPackage,
  type PackageInput,
  packageFields,
  type RowProblem,
  type VoidRow,
  voidFields,
} from './domain/package-rows.ts'
import {
  bedPackageIds,
  hoursPackageIds,
  knownLocations,
  packagesPage,
  saveDeliveredHours,
  savePackages,
  saveVoidBeds,
} from './packages.repository.ts'
import { paymentsAuditActions as actions } from './payments.audit-actions.ts'
import { readSheet } from './read-sheet.ts'
import { councilOf } from './runs.service.ts'

// Commissioned packages and beds, entered one at a time or uploaded (preview, then confirm), and
// delivered hours uploaded the same way. An upload with any problem is shown with every problem, by
// row and column, and cannot be confirmed: nothing of it is saved.

export type ImportKind = 'packages' | 'delivered_hours' | 'void_beds'

export function createPackageService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps
  const mayPrepare = (actor: Actor) => (can(actor, 'payments:prepare') ? councilOf(actor) : null)
  const mayRead = (actor: Actor) => (can(actor, 'payments:read') ? councilOf(actor) : null)

  async function list(actor: Actor, page: number, size: number) {
    const council = mayRead(actor)
    return council ? packagesPage(db, council, { number: page, size }) : null
  }

  // One package typed into the form: checked, then saved with its audit record.
  async function add(actor: Actor, input: PackageInput, save: boolean): Promise<Outcome<NewPackage> | null> {
    const council = mayPrepare(actor)
    if (!council) return null
    const locations = await knownLocations(db, council)
    const checked = checkPackage(input, (id) => locations.get(id))
    if (!checked.ok || !save) return checked
    const now = clock.now()
    await db.transaction().execute(async (trx) => {
      await savePackages(trx, council, [checked.value], actor.userId, now)
      await recordAudit(trx, {
        actorUserId: actor.userId,
        organisationId: actor.organisationId,
        councilId: council,
        action: actions.packageAdded,
        entityType: 'commissioned_package',
        entityId: null,
        after: checked.value,
        occurredAt: now,
      })
    })
    return checked
  }

  // Reads the upload and keeps its checked rows as a preview to confirm. Refused outright (a message
  // for the file field) when the file cannot be read.
  async function preview(
    actor: Actor,
    kind: ImportKind,
    file: { fileName: string; content: Buffer },
  ): Promise<Outcome<{ id: string }> | null> {
    const council = mayPrepare(actor)
    if (!council) return null
    const read = await readSheet(file.fileName, file.content)
    if (!read.ok) return { ok: false, errors: { file: read.message } }
    const { header, rows, headerRowNumber } = read.table
    let values: (NewPackage | DeliveredRow | VoidRow)[]
    let problems: RowProblem[]
    let rowNumbers: number[]
    if (kind === 'packages') {
      const locations = await knownLocations(db, council)
      ;({ values, rowNumbers, problems } = checkRows(
        packageFields,
        header,
        rows,
        headerRowNumber,
        (input) => checkPackage(input, (id) => locations.get(id)),
        ['reference', 'cqcLocationId', 'startsOn'],
      ))
    } else if (kind === 'void_beds') {
      const ids = await bedPackageIds(db, council)
      ;({ values, rowNumbers, problems } = checkRows(
        voidFields,
        header,
        rows,
        headerRowNumber,
        (input) => checkVoid(input, (ref) => ids.has(ref)),
        ['reference', 'beds', 'startsOn', 'endsOn'],
      ))
    } else {
      const ids = await hoursPackageIds(db, council)
      ;({ values, rowNumbers, problems } = checkRows(
        deliveredFields,
        header,
        rows,
        headerRowNumber,
        (input) => checkDelivered(input, (ref) => ids.has(ref)),
        ['reference', 'weekStarting', 'hours'],
      ))
    }
    problems.push(...duplicates(kind, rowNumbers, values))
    problems.sort((a, b) => a.rowNumber - b.rowNumber)
    const { id } = await db
      .insertInto('paymentImports')
      .values({
        councilId: council,
        kind,
        fileName: file.fileName.slice(0, 200),
        rows: JSON.stringify(problems.length ? [] : values),
        problems: JSON.stringify(problems.slice(0, 500)),
        rowCount: rows.length,
        status: 'previewed',
        createdBy: actor.userId,
        createdAt: clock.now(),
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    return { ok: true, value: { id } }
  }

  async function getImport(actor: Actor, id: string) {
    const council = mayPrepare(actor)
    if (!council || !isUuid(id)) return null
    const row = await db
      .selectFrom('paymentImports')
      .where('id', '=', id)
      .where('councilId', '=', council)
      .selectAll()
      .executeTakeFirst()
    if (!row) return null
    const parse = <T>(v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v) as T
    const values = parse<(NewPackage | DeliveredRow | VoidRow)[]>(row.rows)
    return { ...row, values, problems: parse<RowProblem[]>(row.problems), council }
  }

  // Saves a preview without problems, once.
  async function confirm(actor: Actor, id: string): Promise<Outcome<{ saved: number }> | null> {
    const found = await getImport(actor, id)
    if (!found) return null
    if (found.status === 'saved')
      return { ok: false, errors: { confirm: 'This upload has already been saved' } }
    if (found.problems.length)
      return { ok: false, errors: { confirm: 'Correct the problems in the file and upload it again' } }
    const now = clock.now()
    await db.transaction().execute(async (trx) => {
      const claimed = await trx
        .updateTable('paymentImports')
        .set({ status: 'saved', savedAt: now })
        .where('id', '=', id)
        .where('status', '=', 'previewed')
        .executeTakeFirst()
      if (Number(claimed.numUpdatedRows) !== 1) return
      if (found.kind === 'packages')
        await savePackages(trx, found.council, found.values as NewPackage[], actor.userId, now)
      else if (found.kind === 'void_beds')
        await saveVoidBeds(
          trx,
          await bedPackageIds(trx, found.council),
          found.values as VoidRow[],
          actor.userId,
          now,
        )
      else
        await saveDeliveredHours(
          trx,
          await hoursPackageIds(trx, found.council),
          found.values as DeliveredRow[],
          now,
        )
      await recordAudit(trx, {
        actorUserId: actor.userId,
        organisationId: actor.organisationId,
        councilId: found.council,
        action:
          found.kind === 'packages'
            ? actions.packagesImported
            : found.kind === 'void_beds'
              ? actions.voidBedsImported
              : actions.deliveredHoursImported,
        entityType: 'payment_import',
        entityId: id,
        after: { fileName: found.fileName, rows: found.values.length },
        occurredAt: now,
      })
    })
    return { ok: true, value: { saved: found.values.length } }
  }

  return { list, add, preview, getImport, confirm }
}

// A reference given twice in one file (or a week twice for one package) is a problem of the later row.
function duplicates(kind: ImportKind, rowNumbers: number[], values: (NewPackage | DeliveredRow | VoidRow)[]) {
  const seen = new Set<string>()
  const problems: RowProblem[] = []
  values.forEach((v, i) => {
    if (kind === 'void_beds') return
    const key = kind === 'packages' ? v.reference : `${v.reference} ${(v as DeliveredRow).weekStarting}`
    if (seen.has(key))
      problems.push({
        rowNumber: rowNumbers[i] ?? 0,
        column: 'Reference',
        message: `${v.reference} is given more than once in the file`,
      })
    seen.add(key)
  })
  return problems
}

export type PackageService = ReturnType<typeof createPackageService>
