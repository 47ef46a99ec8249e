import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import type { Db } from '../db/database.ts'

// /healthz: the process answers. /readyz: the database answers too (for a load balancer).
export function setUpHealthChecks(app: FastifyInstance, db: Db) {
  app.get('/healthz', async () => ({ status: 'ok' }))
  app.get('/readyz', async (_request, reply) => {
    try {
      await sql`select 1`.execute(db)
      return { status: 'ok', checks: { database: 'ok' } }
    } catch {
      return reply.code(503).send({ status: 'unavailable', checks: { database: 'unreachable' } })
    }
  })
}
