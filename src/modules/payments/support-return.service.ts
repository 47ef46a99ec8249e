import { sql } from 'kysely'
import type { Db, DbOrTransaction } from '../../db/database.ts'
import type { Clock } from '../../domain/clock.ts'
import { londonDate } from '../../domain/dates.ts'
import type { Outcome } from '../../domain/outcome.ts'
import { type Actor, can } from '../../domain/policy.ts'
import { recordAudit } from '../audit/index.ts'
import { dayInWords } from './domain/dates.ts'
import { parseDate } from './domain/package-rows.ts'
import { type SupportCategory, supportCategories } from './domain/schemes.ts'
import { paymentsAuditActions as actions } from './payments.audit-actions.ts'
import { type PpeSpent, ppeNotRecordedHere } from './ppe-seam.ts'
import { lineColumns } from './runs.repository.ts'
import { councilOf } from './runs.service.ts'

// The public provider-support return (the shape of seed 004): for providers the council does and does
// not contract with, the support offered by service type (words the council edits) and what has been
// spent — money that reached providers on or before the chosen date, from the approved runs' paid lines
// (held lines and unpaid runs are not spent). PPE apart (see ppe-seam.ts).

export type SupportSide = {
  contracted: boolean
  wording: Record<SupportCategory, string>
  byCategory: Record<SupportCategory, number>
  totalPence: number
}

// The category of a line's service type, in SQL as supportCategoryOf says it in TypeScript.
const categorySql = sql<SupportCategory>`case when l.service_type = 'home_care' then 'domiciliary'
  when l.service_type in ('care_home_nursing', 'care_home_residential') then 'residential' else 'other' end`

const defaultWording = (contracted: boolean): Record<SupportCategory, string> =>
  contracted
    ? {
        domiciliary:
          'Payments at the average of recent hours delivered; hospital discharge packages paid above base rates.',
        residential:
          'A percentage uplift on base rates for commissioned beds, in and out of the area; void beds paid.',
        other: 'Advice, guidance and help to find supplies.',
      }
    : {
        domiciliary: 'Advice, guidance and help to find supplies.',
        residential: 'Advice, guidance and help to find supplies.',
        other: 'Advice, guidance and help to find supplies.',
      }

// The return for a council as at a day (no one's rights checked: the service's build and the
// publication kind check them their own way).
export async function supportReturnFor(
  db: DbOrTransaction,
  councilId: string,
  asAt: string,
  ppeSpent: PpeSpent,
) {
  const sums = await db
    .selectFrom('paymentLines as l')
    .innerJoin('paymentRuns as r', 'r.id', 'l.runId')
    .where('r.councilId', '=', councilId)
    .where('r.status', '=', 'approved')
    .where('l.held', '=', false)
    .where('l.paidOn', '<=', asAt)
    .groupBy(['l.contracted', categorySql])
    .select(['l.contracted', categorySql.as('category'), sql<string>`sum(l.amount_pence)`.as('pence')])
    .execute()
  const wordingRows = await db
    .selectFrom('supportReturnWording')
    .where('councilId', '=', councilId)
    .selectAll()
    .execute()
  const councilRow = await db
    .selectFrom('organisations')
    .where('id', '=', councilId)
    .select('name')
    .executeTakeFirstOrThrow()
  const side = (contracted: boolean): SupportSide => {
    const wording = defaultWording(contracted)
    for (const w of wordingRows)
      if (w.contracted === contracted) wording[w.category as SupportCategory] = w.wording
    const byCategory = { domiciliary: 0, residential: 0, other: 0 }
    for (const s of sums) if (s.contracted === contracted) byCategory[s.category] += Number(s.pence)
    return {
      contracted,
      wording,
      byCategory,
      totalPence: byCategory.domiciliary + byCategory.residential + byCategory.other,
    }
  }
  const ppe = await ppeSpent(db, councilId, asAt)
  return {
    councilName: councilRow.name,
    asAt,
    asAtWords: dayInWords(asAt),
    contracted: side(true),
    notContracted: side(false),
    ppe,
  }
}

export function createSupportReturnService(deps: { db: Db; clock: Clock; ppeSpent?: PpeSpent }) {
  const { db, clock } = deps
  const ppeSpent = deps.ppeSpent ?? ppeNotRecordedHere
  const mayRead = (actor: Actor) => (can(actor, 'payments:read') ? councilOf(actor) : null)

  // The chosen date, or today: a date that is not one is today's too (the page says which it shows).
  const asAtOf = (text: string | undefined) => (text && parseDate(text)) || londonDate(clock.now())

  async function build(actor: Actor, asAtText?: string) {
    const council = mayRead(actor)
    if (!council) return null
    return supportReturnFor(db, council, asAtOf(asAtText), ppeSpent)
  }

  // The payments behind a figure: the lines it sums.
  async function paymentsBehind(
    actor: Actor,
    query: { asAt?: string; contracted?: string; category?: string },
  ) {
    const council = mayRead(actor)
    if (!council) return null
    const asAt = asAtOf(query.asAt)
    let q = lineColumns(db)
      .where('r.councilId', '=', council)
      .where('r.status', '=', 'approved')
      .where('l.held', '=', false)
      .where('l.paidOn', '<=', asAt)
      .where('l.contracted', '=', query.contracted !== 'no')
    const category = supportCategories.find((c) => c === query.category)
    if (category) q = q.where(categorySql, '=', category)
    const lines = await q.orderBy('l.paidOn').orderBy('providerName').limit(500).execute()
    const total = await db
      .selectFrom('paymentLines as l')
      .innerJoin('paymentRuns as r', 'r.id', 'l.runId')
      .where('r.councilId', '=', council)
      .where('r.status', '=', 'approved')
      .where('l.held', '=', false)
      .where('l.paidOn', '<=', asAt)
      .where('l.contracted', '=', query.contracted !== 'no')
      .$if(Boolean(category), (qb) => qb.where(categorySql, '=', category!))
      .select([sql<string>`coalesce(sum(l.amount_pence), 0)`.as('pence'), sql<string>`count(*)`.as('n')])
      .executeTakeFirstOrThrow()
    return {
      asAt,
      contracted: query.contracted !== 'no',
      category,
      lines,
      totalPence: Number(total.pence),
      count: Number(total.n),
    }
  }

  // The words of the return, by side and column (the figures are never typed).
  async function changeWording(actor: Actor, form: Record<string, string>): Promise<Outcome<null> | null> {
    const council = can(actor, 'payments:prepare') ? councilOf(actor) : null
    if (!council) return null
    const errors: Record<string, string> = {}
    const rows: { contracted: boolean; category: SupportCategory; wording: string }[] = []
    for (const contracted of [true, false])
      for (const category of supportCategories) {
        const field = `${contracted ? 'contracted' : 'notContracted'}-${category}`
        const text = (form[field] ?? '').trim()
        if (!text) errors[field] = 'Enter the support offered, or “None”'
        else if (text.length > 4000) errors[field] = 'The support offered must be 4,000 characters or fewer'
        rows.push({ contracted, category, wording: text })
      }
    if (Object.keys(errors).length) return { ok: false, errors }
    const now = clock.now()
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('supportReturnWording')
        .values(rows.map((r) => ({ ...r, councilId: council, updatedBy: actor.userId, updatedAt: now })))
        .onConflict((oc) =>
          oc.columns(['councilId', 'contracted', 'category']).doUpdateSet((eb) => ({
            wording: eb.ref('excluded.wording'),
            updatedBy: eb.ref('excluded.updatedBy'),
            updatedAt: eb.ref('excluded.updatedAt'),
          })),
        )
        .execute()
      await recordAudit(trx, {
        actorUserId: actor.userId,
        organisationId: actor.organisationId,
        councilId: council,
        action: actions.supportWordingChanged,
        entityType: 'provider_support_return',
        entityId: null,
        after: rows,
        occurredAt: now,
      })
    })
    return { ok: true, value: null }
  }

  // The Transparency Code's spending over £500: each provider's payment in each run, on the day it
  // was paid, over £500 (50,000 pence) in all.
  async function transparency(actor: Actor, range: { from?: string; to?: string }) {
    const council = mayRead(actor)
    if (!council) return null
    const from = range.from ? parseDate(range.from) : null
    const to = range.to ? parseDate(range.to) : null
    return db
      .selectFrom('paymentLines as l')
      .innerJoin('paymentRuns as r', 'r.id', 'l.runId')
      .innerJoin('providers as p', 'p.id', 'l.providerId')
      .leftJoin('paymentSchemes as s', 's.id', 'l.schemeId')
      .where('r.councilId', '=', council)
      .where('r.status', '=', 'approved')
      .where('l.held', '=', false)
      .where('l.paidOn', 'is not', null)
      .$if(Boolean(from), (qb) => qb.where('l.paidOn', '>=', from!))
      .$if(Boolean(to), (qb) => qb.where('l.paidOn', '<=', to!))
      .groupBy(['l.paidOn', 'r.reference', 'p.id', 'p.name'])
      .having(sql<boolean>`sum(l.amount_pence) > 50000`)
      .select([
        'l.paidOn',
        'r.reference as runReference',
        'p.name as beneficiary',
        sql<string>`sum(l.amount_pence)`.as('pence'),
        sql<string>`string_agg(distinct coalesce(s.name, 'correction of an earlier payment'), '; ')`.as(
          'purposes',
        ),
      ])
      .orderBy('l.paidOn')
      .orderBy('p.name')
      .execute()
  }

  return { build, paymentsBehind, changeWording, transparency }
}

export type SupportReturnService = ReturnType<typeof createSupportReturnService>
