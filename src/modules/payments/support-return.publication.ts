import { sql } from 'kysely'
import type { DbOrTransaction } from '../../db/database.ts'
import { londonDate } from '../../domain/dates.ts'
import type { Block, NamedProvider, PublicationContent, PublicationKind } from '../publishing/index.ts'
import { dayInWords } from './domain/dates.ts'
import { pounds } from './domain/money.ts'
import { type SupportCategory, supportCategories, supportCategoryNames } from './domain/schemes.ts'
import type { PpeSpent } from './ppe-seam.ts'
import { ppeNote, ppeTitle, sideTitle, spentNote, spentTitle } from './support-return.files.ts'
import { supportReturnFor } from './support-return.service.ts'

// The provider-support return as a kind of publication: it goes through publishing's workflow (draft,
// the named providers check what they were paid, sign-off, an immutable published version). Its figures
// are built from the ledger as at the day of the instant publishing gives (a published version's is its
// publication), the same figures as the return's page, DOCX and CSV.

export const supportReturnKind = 'provider-support-return'

export async function buildSupportReturnPublication(
  db: DbOrTransaction,
  councilId: string,
  at: Date,
  ppeSpent: PpeSpent,
): Promise<PublicationContent> {
  const asAt = londonDate(at)
  const r = await supportReturnFor(db, councilId, asAt, ppeSpent)
  const blocks: Block[] = [
    { type: 'paragraph', text: `${r.councilName}, as at ${r.asAtWords}. ${spentNote}` },
  ]
  for (const side of [r.contracted, r.notContracted]) {
    blocks.push(
      { type: 'heading', level: 2, text: sideTitle(side.contracted) },
      {
        type: 'table',
        caption: sideTitle(side.contracted),
        columns: [
          { key: 'serviceType', label: 'Service type' },
          { key: 'support', label: 'Support being offered' },
          { key: 'spent', label: 'Spent' },
        ],
        rows: [
          ...(supportCategories as readonly SupportCategory[]).map((c) => ({
            serviceType: { text: supportCategoryNames[c] },
            support: { text: side.wording[c] },
            spent: { text: pounds(side.byCategory[c]) },
          })),
          {
            serviceType: { text: 'All' },
            support: { text: spentTitle(side.contracted) },
            spent: { text: pounds(side.totalPence) },
          },
        ],
      },
    )
  }
  blocks.push(
    { type: 'heading', level: 2, text: 'Personal protective equipment' },
    { type: 'paragraph', text: `${ppeTitle}: ${pounds(r.ppe.pence)}${ppeNote(r)}` },
  )
  return {
    title: 'COVID-19 provider support return',
    summary: `What ${r.councilName} has spent supporting care providers, as at ${r.asAtWords}: to providers it contracts with and to others, by service type, with personal protective equipment apart.`,
    asAt: at.toISOString(),
    blocks,
    providers: await paidProviders(db, councilId, asAt),
  }
}

// Each provider paid by the day, with what reached it: the figures it checks before publication.
async function paidProviders(db: DbOrTransaction, councilId: string, asAt: string): Promise<NamedProvider[]> {
  const rows = await db
    .selectFrom('paymentLines as l')
    .innerJoin('paymentRuns as r', 'r.id', 'l.runId')
    .innerJoin('providers as p', 'p.id', 'l.providerId')
    .where('r.councilId', '=', councilId)
    .where('r.status', '=', 'approved')
    .where('l.held', '=', false)
    .where('l.paidOn', '<=', asAt)
    .groupBy(['p.id', 'p.name'])
    .select(['p.id', 'p.name', sql<string>`sum(l.amount_pence)`.as('pence')])
    .orderBy('p.name')
    .execute()
  return rows.map((row) => ({
    providerId: row.id,
    name: row.name,
    figures: [{ label: `Paid to you by ${dayInWords(asAt)}`, value: pounds(row.pence) }],
  }))
}

export function supportReturnPublication(ppeSpent: PpeSpent): PublicationKind {
  return {
    kind: supportReturnKind,
    name: 'COVID-19 provider support return',
    build: (db, councilId, at) => buildSupportReturnPublication(db, councilId, at, ppeSpent),
  }
}
