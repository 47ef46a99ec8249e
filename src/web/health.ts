import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import type { Db } from '../db/database.ts'
import { webPaths } from './paths.ts'

// /healthz: the process answers. /readyz: the database answers too (for a load balancer), with the
// figures an operator watches (queues' lag, backlogs): still 200 while the database answers.
export function setUpHealthChecks(
  app: FastifyInstance,
  db: Db,
  readinessFigures: (db: Db) => Promise<Record<string, Record<string, number>>>,
) {
  app.get(webPaths.health.pattern, async () => ({ status: 'ok' }))
  app.get(webPaths.readiness.pattern, async (_request, reply) => {
    try {
      await sql`select 1`.execute(db)
      return { status: 'ok', checks: { database: 'ok' }, figures: await readinessFigures(db) }
    } catch {
      return reply.code(503).send({ status: 'unavailable', checks: { database: 'unreachable' } })
    }
  })
}
