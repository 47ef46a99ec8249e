import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildServices, type Services } from '../../src/composition.ts'
import { loadConfig } from '../../src/config.ts'
import { fixedClock } from '../../src/domain/clock.ts'
import { enqueueEmail, smtpTransport } from '../../src/modules/comms/index.ts'
import { scheduledJobs } from '../../src/modules.ts'
import { createTestDatabase, engines, type TestDatabase } from '../support/test-database.ts'
import { startSmtpServer } from './support/smtp-server.ts'

// Issue 26, fault injection: the mail service is down for an hour, in fake time (the Clock), while
// e-mails are queued before and during it. CareHub sends through its real SMTP transport to a mail
// server on loopback that this test takes down (connections refused) and brings back; the outbox job
// runs each fake minute as the scheduler would. Every message must reach the server afterwards, once.
describe.each(engines)('the mail service down for an hour on %s', (engine) => {
  let database: TestDatabase
  let services: Services
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>
  const clock = fixedClock(new Date('2020-04-14T08:00:00Z'))

  beforeAll(async () => {
    smtp = await startSmtpServer()
    database = await createTestDatabase(engine)
    services = buildServices({
      db: database.db,
      clock,
      config: loadConfig({
        NODE_ENV: 'test',
        DATA_DIR: path.join(os.tmpdir(), 'carehub-test'),
        BASE_URL: 'http://carehub.test',
      }),
      mailTransport: smtpTransport(`smtp://127.0.0.1:${smtp.port}`, 'CareHub <no-reply@carehub.test>'),
      cookieSecret: 'test-cookie-secret-of-at-least-32-chars',
    })
  })
  afterAll(async () => {
    await smtp?.down()
    await database?.drop()
  })

  const queued: string[] = []
  const queue = async (n: number) => {
    for (let i = 0; i < n; i++) {
      const subject = `Reminder ${queued.length + 1}`
      queued.push(subject)
      await enqueueEmail(
        database.db,
        {
          kind: 'test',
          to: `manager${queued.length}@example.org`,
          subject,
          body: 'Please send your return.',
        },
        clock.now(),
      )
    }
  }

  // A fake minute passes and the outbox job runs, as the scheduler runs it.
  const minute = async () => {
    clock.advanceMinutes(1)
    const outbox = scheduledJobs(services).find((job) => job.name === 'outbox')!
    await outbox.run(services.db)
  }

  const outbox = () =>
    database.db.selectFrom('outboxMessages').select(['subject', 'status', 'attempts', 'sentAt']).execute()

  it('sends every message once the service is back, each once', async () => {
    await queue(20)
    await minute()
    expect(smtp.subjects().sort()).toEqual([...queued].sort())
    const before = smtp.received.length

    // Down for an hour: the job goes on trying, new e-mails are queued, nothing is sent or dropped.
    await smtp.down()
    for (let m = 0; m < 60; m++) {
      if (m % 15 === 0) await queue(15)
      await minute()
    }
    expect(smtp.received.length).toBe(before)
    const waiting = (await outbox()).filter((m) => m.status !== 'sent')
    expect(waiting.length).toBe(60)
    expect(waiting.every((m) => m.status === 'pending' && m.attempts >= 1)).toBe(true)

    // Back: within the longest wait between tries (an hour), every message is sent.
    await smtp.up()
    let minutesToSendAll = 0
    while ((await outbox()).some((m) => m.status !== 'sent')) {
      expect(minutesToSendAll, 'every message sent within an hour of the service coming back').toBeLessThan(
        61,
      )
      await minute()
      minutesToSendAll++
    }
    // And no message again, however long the job goes on.
    for (let m = 0; m < 120; m++) await minute()
    expect(smtp.subjects().sort()).toEqual([...queued].sort())
    expect(new Set(smtp.subjects()).size).toBe(80)
    expect((await outbox()).every((m) => m.status === 'sent' && m.sentAt !== null)).toBe(true)
  })
})
