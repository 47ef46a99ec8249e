import { sql } from 'kysely'
import type { HomePanels } from '../../capability.ts'
import type { Db } from '../../db/database.ts'
import { dayInWords } from './domain/dates.ts'
import { pounds } from './domain/money.ts'

// A provider's home page: what it was paid, when and why — each payment of an approved run that has
// reached it, the latest first, with the lines that make it up.
export function providerPaymentsPanel(db: Db): HomePanels {
  return async (actor) => {
    if (actor.role !== 'provider_manager' || !actor.providerId) return null
    const lines = await db
      .selectFrom('paymentLines as l')
      .innerJoin('paymentRuns as r', 'r.id', 'l.runId')
      .innerJoin('organisations as council', 'council.id', 'r.councilId')
      .leftJoin('paymentSchemes as s', 's.id', 'l.schemeId')
      .leftJoin('locations', 'locations.id', 'l.locationId')
      .where('l.providerId', '=', actor.providerId)
      .where('r.status', '=', 'approved')
      .where('l.held', '=', false)
      .where('l.paidOn', 'is not', null)
      .select([
        'l.paidOn',
        'l.amountPence',
        'l.explanation',
        'r.id as runId',
        'r.reference',
        'council.name as councilName',
        sql<string>`coalesce(s.name, 'Correction of an earlier payment')`.as('scheme'),
        'locations.name as locationName',
      ])
      .orderBy('l.paidOn', 'desc')
      .orderBy('r.reference', 'desc')
      .limit(300)
      .execute()
    if (!lines.length) return null
    const payments: {
      key: string
      paidOnWords: string
      councilName: string
      reference: string
      total: number
      lines: { scheme: string; locationName: string | null; amount: string; explanation: string }[]
    }[] = []
    for (const l of lines) {
      const key = `${l.runId} ${l.paidOn}`
      let payment = payments.find((p) => p.key === key)
      if (!payment) {
        payment = {
          key,
          paidOnWords: dayInWords(l.paidOn!),
          councilName: l.councilName,
          reference: l.reference,
          total: 0,
          lines: [],
        }
        payments.push(payment)
      }
      payment.total += Number(l.amountPence)
      payment.lines.push({
        scheme: l.scheme,
        locationName: l.locationName,
        amount: pounds(l.amountPence),
        explanation: l.explanation,
      })
    }
    return {
      template: 'payments/views/home-panel.njk',
      context: {
        providerPayments: payments.slice(0, 6).map((p) => ({ ...p, totalText: pounds(p.total) })),
      },
    }
  }
}
