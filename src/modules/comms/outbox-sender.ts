import type { Db } from '../../db/database.ts'
import type { Clock } from '../../domain/clock.ts'
import { nextAttemptDelaySeconds } from './domain/outbox.rules.ts'
import type { MailTransport } from './mail-transports.ts'
import { claimDueEmails, markAttemptFailed, markSent } from './outbox.repository.ts'

export type SendResult = { sent: number; failed: number }

// Sends what is due. A failure is recorded and retried later with backoff; nothing is dropped.
export async function sendDueEmails(
  db: Db,
  transport: MailTransport,
  clock: Clock,
  batchSize = 50,
): Promise<SendResult> {
  const claimed = await db.transaction().execute((trx) => claimDueEmails(trx, clock.now(), batchSize))
  let sent = 0
  let failed = 0
  for (const email of claimed) {
    try {
      await transport.send({ id: email.id, to: email.toAddress, subject: email.subject, body: email.body })
      await markSent(db, email.id, clock.now())
      sent++
    } catch (error) {
      failed++
      const attempts = email.attempts + 1
      const next = new Date(clock.now().getTime() + nextAttemptDelaySeconds(attempts) * 1000)
      const reason = error instanceof Error ? error.message : String(error)
      await markAttemptFailed(db, email.id, `${transport.name}: ${reason}`, next)
    }
  }
  return { sent, failed }
}
