import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { load } from 'cheerio'
import { simpleParser } from 'mailparser'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createOrganisation, createUser } from '../../../test/support/factories.ts'
import { buildTestApp, type TestApp, TestClient } from '../../../test/support/test-app.ts'
import { engines } from '../../../test/support/test-database.ts'
import { fileTransport } from './mail-transports.ts'
import { sendDueEmails } from './outbox-sender.ts'

describe.each(engines)('the outbox on %s', (engine) => {
  let t: TestApp
  let councilId: string
  let admin: { id: string; email: string }

  beforeAll(async () => {
    t = await buildTestApp(engine)
    councilId = await createOrganisation(t.database.db, 'council', 'Council I', { onsCode: 'E10000031' })
    admin = await createUser(t.database.db, councilId, 'admin')
  })
  afterAll(async () => {
    await t?.close()
  })

  async function invite(client: TestClient, email: string) {
    await client.get('/admin/users/invite')
    return client.post('/admin/users/invite', {
      displayName: 'New Person',
      email,
      organisationId: councilId,
      role: 'council_officer',
    })
  }

  it('keeps an invitation in the outbox while the mail service fails, and sends it when it recovers', async () => {
    const client = new TestClient(t.app)
    await client.signIn(admin.email)
    expect((await invite(client, 'outage@example.org')).statusCode).toBe(302)

    t.mail.fail(new Error('mail service unavailable'))
    const first = await sendDueEmails(t.database.db, t.mail, t.clock)
    expect(first).toEqual({ sent: 0, failed: 1 })
    const waiting = await t.database.db
      .selectFrom('outboxMessages')
      .selectAll()
      .where('toAddress', '=', 'outage@example.org')
      .executeTakeFirstOrThrow()
    expect(waiting).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastError: 'recording: mail service unavailable',
    })

    // Not retried before its backoff is over, even though the transport is back.
    t.mail.fail(null)
    expect(await sendDueEmails(t.database.db, t.mail, t.clock)).toEqual({ sent: 0, failed: 0 })

    // The admin sees the failure.
    const outbox = load((await client.get('/admin/outbox')).body)
    expect(outbox('table').text()).toContain('mail service unavailable')

    t.clock.advanceMinutes(1)
    expect(await sendDueEmails(t.database.db, t.mail, t.clock)).toEqual({ sent: 1, failed: 0 })
    expect(t.mail.sent.map((m) => m.to)).toContain('outage@example.org')
    const sent = await t.database.db
      .selectFrom('outboxMessages')
      .select(['status', 'attempts'])
      .where('id', '=', waiting.id)
      .executeTakeFirstOrThrow()
    expect(sent).toEqual({ status: 'sent', attempts: 2 })
  })

  it('writes real .eml files with the file transport', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'carehub-mail-'))
    const transport = fileTransport(dir, 'CareHub <no-reply@carehub.example>')
    await transport.send({
      id: 'abc',
      to: 'someone@example.org',
      subject: 'Hello',
      body: 'Line one\nhttp://carehub.test/x',
    })
    const [file] = await fs.readdir(dir)
    const parsed = await simpleParser(await fs.readFile(path.join(dir, file!)))
    expect(parsed.subject).toBe('Hello')
    expect(parsed.text?.trim()).toBe('Line one\nhttp://carehub.test/x')
    expect((parsed.to as { text: string }).text).toBe('someone@example.org')
  })
})
