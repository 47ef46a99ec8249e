import { timingSafeEqual } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import type { Clock } from '../../domain/clock.ts'
import type { Db } from '../../db/database.ts'
import { commsPaths } from './comms.paths.ts'
import { recordDeliveryReceipt } from './delivery.repository.ts'
import { deliveryReceiptFrom } from './domain/delivery-receipt.ts'

const sameSecret = (given: string, expected: string) => {
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

// GOV.UK Notify's callback: one delivery receipt per request, with the bearer token set in Notify.
// Under /api/, so the session's CSRF check does not apply; the token is the only key. Without a token
// configured every receipt is refused.
export async function deliveryReceiptRoutes(
  app: FastifyInstance,
  deps: { db: Db; clock: Clock; token: string | undefined },
) {
  app.post(commsPaths.deliveryReceipts.pattern, async (request, reply) => {
    const header = request.headers.authorization ?? ''
    const given = /^Bearer (.+)$/.exec(header)?.[1] ?? ''
    if (!deps.token || !sameSecret(given, deps.token)) {
      return reply.code(401).send({ title: 'Unauthorised', status: 401 })
    }
    const receipt = deliveryReceiptFrom(request.body)
    if (!receipt) return reply.code(400).send({ title: 'Not a delivery receipt', status: 400 })
    const found = await deps.db
      .transaction()
      .execute((trx) => recordDeliveryReceipt(trx, receipt, deps.clock.now()))
    // An e-mail that is not ours (or no longer kept) is answered 200 too: Notify would only retry it.
    return reply.code(200).send({ recorded: found })
  })
}
