import { sql } from 'kysely'
import type { Db, DbOrTransaction } from '../../db/database.ts'
import type { Clock } from '../../domain/clock.ts'
import { enqueueEmail } from '../comms/index.ts'
import { ppePaths } from './ppe-supply.paths.ts'

type Fallen = {
  storeId: string
  itemId: string
  councilId: string
  storeName: string
  itemName: string
  unit: string
  balance: string
  threshold: number
}

// The periodic job: an item whose balance in a store fell below its low-stock threshold is e-mailed to
// the council's PPE team (its active admins and officers) through the outbox, once: the threshold's
// `alerted_at` is set in the same transaction as the e-mails, so the next run does not send it again.
// When the stock is back at or above the threshold the alert re-arms (`alerted_at` cleared), and a
// later fall is e-mailed again. One e-mail per person per run, listing every item that fell.
export async function sendLowStockAlerts(
  db: Db,
  clock: Clock,
  baseUrl: string,
): Promise<{ rearmed: number; alerts: number; emails: number }> {
  const now = clock.now()
  const run = async (trx: DbOrTransaction) => {
    const balance = sql`coalesce((select b.quantity from ppe_stock_balances b
      where b.store_id = t.store_id and b.item_id = t.item_id), 0)`
    const rearmed = await sql`
      update ppe_stock_thresholds t set alerted_at = null
      where t.alerted_at is not null and ${balance} >= t.threshold`.execute(trx)
    // Claim: only the thresholds this run marked are e-mailed by it (another instance's run skips them).
    const { rows: fallen } = await sql<Fallen>`
      with claimed as (
        update ppe_stock_thresholds t set alerted_at = ${now}
        where t.alerted_at is null and ${balance} < t.threshold
        returning t.store_id, t.item_id, t.threshold, ${balance} as balance
      )
      select c.store_id as "storeId", c.item_id as "itemId", s.council_id as "councilId",
        s.name as "storeName", i.name as "itemName", i.unit, c.balance, c.threshold
      from claimed c
      join ppe_stores s on s.id = c.store_id
      join ppe_items i on i.id = c.item_id
      order by s.name, i.name`.execute(trx)
    if (fallen.length === 0) return { rearmed: Number(rearmed.numAffectedRows ?? 0), alerts: 0, emails: 0 }

    const councilIds = [...new Set(fallen.map((f) => f.councilId))]
    const team = await trx
      .selectFrom('users')
      .select(['email', 'organisationId'])
      .where('organisationId', 'in', councilIds)
      .where('status', '=', 'active')
      .where('role', 'in', ['admin', 'council_officer'])
      .orderBy('email')
      .execute()
    let emails = 0
    for (const councilId of councilIds) {
      const items = fallen.filter((f) => f.councilId === councilId)
      const lines = items.flatMap((f) => [
        `${f.itemName} at ${f.storeName}: ${Number(f.balance).toLocaleString('en-GB')} ${f.unit} left, below the threshold of ${f.threshold.toLocaleString('en-GB')}`,
        `  ${baseUrl}${ppePaths.ppeStore.build(f.storeId)}`,
        '',
      ])
      for (const member of team.filter((m) => m.organisationId === councilId)) {
        await enqueueEmail(
          trx,
          {
            kind: 'ppe-low-stock',
            to: member.email,
            subject:
              items.length === 1
                ? `Low PPE stock: ${items[0]!.itemName} at ${items[0]!.storeName}`
                : `Low PPE stock: ${items.length} items below their thresholds`,
            body: [
              items.length === 1
                ? 'PPE stock has fallen below its low-stock threshold:'
                : `${items.length} PPE items have fallen below their low-stock thresholds:`,
              '',
              ...lines,
              'You will not be e-mailed about these again until the stock is back at or above the threshold.',
            ].join('\n'),
          },
          now,
        )
        emails++
      }
    }
    return { rearmed: Number(rearmed.numAffectedRows ?? 0), alerts: fallen.length, emails }
  }
  // One transaction keeps the claim and the e-mails together: both happen, or neither.
  return db.transaction().execute(run)
}
