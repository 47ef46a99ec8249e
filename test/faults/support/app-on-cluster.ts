import os from 'node:os'
import path from 'node:path'
import type { FastifyInstance } from 'fastify'
import { createApp } from '../../../src/app.ts'
import { buildServices, type Services } from '../../../src/composition.ts'
import { loadConfig } from '../../../src/config.ts'
import { createDatabase } from '../../../src/db/database.ts'
import { fixedClock } from '../../../src/domain/clock.ts'
import { recordingTransport } from '../../support/test-app.ts'

export type ClusterApp = { app: FastifyInstance; services: Services; close: () => Promise<void> }

// The whole app in this process (as buildTestApp makes it), on a database of a private cluster.
export async function appOnDatabase(url: string, poolSize = 5): Promise<ClusterApp> {
  const db = createDatabase({ engine: 'postgres', url, poolSize })
  const services = buildServices({
    db,
    clock: fixedClock(new Date('2020-04-14T08:00:00Z')),
    config: loadConfig({
      NODE_ENV: 'test',
      DATA_DIR: path.join(os.tmpdir(), 'carehub-test'),
      BASE_URL: 'http://carehub.test',
    }),
    mailTransport: recordingTransport(),
    cookieSecret: 'test-cookie-secret-of-at-least-32-chars',
  })
  const app = await createApp(services)
  await app.ready()
  return {
    app,
    services,
    close: async () => {
      await app.close()
      await db.destroy()
    },
  }
}

// Catches what would end the process (an error no one handled), so a test can say it never happened.
export function crashSpy() {
  const crashes: unknown[] = []
  const onCrash = (error: unknown) => crashes.push(error)
  process.on('uncaughtException', onCrash)
  process.on('unhandledRejection', onCrash)
  return {
    crashes,
    stop: () => {
      process.off('uncaughtException', onCrash)
      process.off('unhandledRejection', onCrash)
    },
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
