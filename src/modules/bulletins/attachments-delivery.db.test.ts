import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createLocation,
  createOrganisation,
  createProvider,
  createUser,
} from '../../../test/support/factories.ts'
import { buildTestApp, type TestApp, TestClient } from '../../../test/support/test-app.ts'
import { engines } from '../../../test/support/test-database.ts'
import { sendDueEmails } from '../comms/index.ts'
import { letterAsPdf } from './letter-files.ts'

const callbackToken = 'notify-callback-token-for-tests'

describe.each(engines)('bulletin attachments and delivery receipts on %s', (engine) => {
  let t: TestApp
  const ids: Record<string, string> = {}
  const emails: Record<string, string> = {}

  beforeAll(async () => {
    t = await buildTestApp(engine, { NOTIFY_CALLBACK_TOKEN: callbackToken })
    const db = t.database.db
    ids.council = await createOrganisation(db, 'council', 'Attach Council', { onsCode: 'E10000083' })
    const other = await createOrganisation(db, 'council', 'Other Attach Council', { onsCode: 'E10000084' })
    emails.officer = (await createUser(db, ids.council, 'council_officer')).email
    emails.otherOfficer = (await createUser(db, other, 'council_officer')).email
    // Home care in the North reaches Ann and Bob; the care home's Cat is not in the audience.
    for (const [key, serviceType, users] of [
      ['north', 'home_care', ['ann', 'bob']],
      ['home', 'care_home_residential', ['cat']],
    ] as const) {
      ids[key] = await createProvider(db, `Provider ${key}`)
      const org = await createOrganisation(db, 'provider', `Provider ${key}`, { providerId: ids[key] })
      const location = await createLocation(db, ids[key]!, ids.council, { serviceType })
      await db.updateTable('locations').set({ area: 'North' }).where('id', '=', location).execute()
      for (const name of users) emails[name] = (await createUser(db, org, 'provider_manager')).email
    }
  })
  afterAll(async () => {
    await t?.close()
  })

  async function signedIn(who: string) {
    const client = new TestClient(t.app)
    await client.signIn(emails[who]!)
    return client
  }

  async function draft(officer: TestClient, title: string) {
    await officer.get('/bulletins/new')
    const posted = await officer.post('/bulletins/new', {
      title,
      body: 'See the attached guide.',
      serviceTypes: 'home_care',
      areas: 'North',
    })
    expect(posted.statusCode).toBe(302)
    return posted.headers.location!.split('/')[2]!
  }

  const attachmentRows = (bulletinId: string) =>
    t.database.db
      .selectFrom('bulletinAttachments')
      .select(['id', 'fileName'])
      .where('bulletinId', '=', bulletinId)
      .orderBy('addedAt')
      .execute()

  it('attaches checked files to a draft, sends them with it, and lets only its audience download them', async () => {
    const officer = await signedIn('officer')
    const id = await draft(officer, 'Glove guide')
    await officer.get(`/bulletins/${id}/check`)
    const upload = (fileName: string, content: Buffer) =>
      officer.postMultipart(`/bulletins/${id}/attachments`, {}, { field: 'file', fileName, content })

    // A web page named as a PDF, a program, an empty form and a file too large change nothing.
    const fake = await upload('guide.pdf', Buffer.from('<html><script>alert(1)</script></html>'))
    expect(fake.statusCode).toBe(400)
    expect(fake.body).toContain('The selected file is not a real PDF file')
    expect(fake.body).toContain('href="#file"')
    expect((await upload('setup.exe', Buffer.from('MZ...'))).body).toContain(
      'The selected file must be a PDF, DOCX, XLSX, PNG or JPEG',
    )
    const tooLarge = await upload(
      'big.pdf',
      Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(5 * 1024 * 1024)]),
    )
    expect(tooLarge.statusCode).toBe(400)
    expect(tooLarge.body).toContain('The selected file must be smaller than 5 MB')
    expect(await attachmentRows(id)).toEqual([])

    const pdf = await letterAsPdf('Gloves: how to order them.', 'Attach Council')
    expect((await upload('Glove guide.pdf', pdf)).statusCode).toBe(302)
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0])
    expect((await upload('chart.png', png)).statusCode).toBe(302)
    const [guide, chart] = await attachmentRows(id)
    const check = (await officer.get(`/bulletins/${id}/check`)).body
    expect(check).toContain(`href="/bulletins/${id}/attachments/${guide!.id}" download>Glove guide.pdf</a>`)
    // The chart is removed again; another council's officer can neither add nor remove.
    const other = await signedIn('otherOfficer')
    await other.get('/bulletins')
    expect((await other.post(`/bulletins/${id}/attachments/${chart!.id}/remove`, {})).statusCode).toBe(404)
    expect(
      (
        await other.postMultipart(
          `/bulletins/${id}/attachments`,
          {},
          { field: 'file', fileName: 'x.pdf', content: pdf },
        )
      ).statusCode,
    ).toBe(404)
    expect((await officer.post(`/bulletins/${id}/attachments/${chart!.id}/remove`, {})).statusCode).toBe(302)
    expect((await attachmentRows(id)).map((a) => a.fileName)).toEqual(['Glove guide.pdf'])

    await officer.get(`/bulletins/${id}/check`)
    expect((await officer.post(`/bulletins/${id}/send`, { when: 'now' })).statusCode).toBe(302)
    // Once sent, its files are fixed.
    await officer.get(`/bulletins/${id}/check`)
    expect((await upload('late.pdf', pdf)).body).toContain('Files cannot be added once a bulletin is sent')
    const link = `/bulletins/${id}/attachments/${guide!.id}`
    const mail = await t.database.db
      .selectFrom('outboxMessages')
      .select('body')
      .where('toAddress', '=', emails.ann!)
      .where('dedupeKey', 'like', `bulletin:${id}:%`)
      .executeTakeFirstOrThrow()
    expect(mail.body).toContain(`- Glove guide.pdf (${pdf.length} bytes): http://carehub.test${link}`)

    // Ann, who it was sent to, sees the file and downloads it whole; it never opens in the page.
    const ann = await signedIn('ann')
    expect((await ann.get(`/bulletins/${id}`)).body).toContain(`href="${link}" download>Glove guide.pdf</a>`)
    const downloaded = await ann.get(link)
    expect(downloaded.statusCode).toBe(200)
    expect(downloaded.headers['content-type']).toBe('application/pdf')
    expect(downloaded.headers['content-disposition']).toBe(
      `attachment; filename="Glove guide.pdf"; filename*=UTF-8''Glove%20guide.pdf`,
    )
    expect(Buffer.compare(downloaded.rawPayload, pdf)).toBe(0)
    // Cat (a provider it was not sent to) and the other council are told it does not exist.
    expect((await (await signedIn('cat')).get(link)).statusCode).toBe(404)
    expect((await other.get(link)).statusCode).toBe(404)
    expect((await ann.get(`/bulletins/${id}/attachments/not-an-id`)).statusCode).toBe(404)
    const trail = await t.database.db
      .selectFrom('auditEvents')
      .select('action')
      .where('entityId', '=', id)
      .where('action', 'in', ['bulletin-file-attached', 'bulletin-file-removed'])
      .execute()
    expect(trail.map((a) => a.action).sort()).toEqual([
      'bulletin-file-attached',
      'bulletin-file-attached',
      'bulletin-file-removed',
    ])
  })

  it('records Notify’s delivery receipts from a real request, and shows the bounces to fix', async () => {
    const officer = await signedIn('officer')
    const id = await draft(officer, 'Receipts')
    await officer.get(`/bulletins/${id}/check`)
    await officer.post(`/bulletins/${id}/send`, { when: 'now' })
    await sendDueEmails(t.database.db, t.mail, t.clock, 500)
    const messages = await t.database.db
      .selectFrom('outboxMessages')
      .select(['id', 'toAddress', 'status', 'deliveryStatus'])
      .where('dedupeKey', 'like', `bulletin:${id}:%`)
      .execute()
    const to = (who: string) => messages.find((m) => m.toAddress === emails[who])!
    expect(messages.map((m) => m.status)).toEqual(['sent', 'sent'])

    await t.app.listen({ port: 0, host: '127.0.0.1' })
    const { port } = t.app.server.address() as AddressInfo
    const receipt = (who: string, status: string) => ({
      id: `notify-${who}-${status}`,
      reference: to(who).id,
      to: emails[who],
      status,
      created_at: '2020-04-14T08:00:00.000000Z',
      completed_at: '2020-04-14T08:00:09.000000Z',
      sent_at: '2020-04-14T08:00:01.000000Z',
      notification_type: 'email',
    })
    const post = (body: unknown, token: string | null) =>
      fetch(`http://127.0.0.1:${port}/api/notify/delivery-receipts`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(body),
      })
    const trail = () =>
      t.database.db
        .selectFrom('auditEvents')
        .select('entityId')
        .where('action', '=', 'email-delivery-receipt-received')
        .execute()

    // A wrong token, or none, is refused and changes nothing.
    expect((await post(receipt('bob', 'permanent-failure'), 'not-the-token-at-all')).status).toBe(401)
    expect((await post(receipt('bob', 'permanent-failure'), null)).status).toBe(401)
    expect((await post(receipt('bob', 'permanent-failure'), `${callbackToken}x`)).status).toBe(401)
    const untouched = await t.database.db
      .selectFrom('outboxMessages')
      .select('deliveryStatus')
      .where(
        'id',
        'in',
        messages.map((m) => m.id),
      )
      .execute()
    expect(untouched.map((m) => m.deliveryStatus)).toEqual([null, null])
    expect(await trail()).toEqual([])
    // Not a receipt: refused too.
    expect((await post({ ...receipt('bob', 'opened') }, callbackToken)).status).toBe(400)

    const bounced = await post(receipt('bob', 'permanent-failure'), callbackToken)
    expect(bounced.status).toBe(200)
    expect(await bounced.json()).toEqual({ recorded: true })
    expect((await post(receipt('ann', 'delivered'), callbackToken)).status).toBe(200)
    expect((await trail()).map((a) => a.entityId).sort()).toEqual([to('ann').id, to('bob').id].sort())

    const page = (await officer.get(`/bulletins/${id}`)).body
    expect(page).toContain('id="delivery-delivered">1<')
    expect(page).toContain('id="delivery-bounced">1<')
    expect(page).toContain('id="delivery-sent">0<')
    const failures = page.slice(page.indexOf('id="delivery-failures"'))
    expect(failures).toContain(emails.bob)
    expect(failures).toContain('Bounced: the address does not exist or refuses mail')
    expect(failures.slice(0, failures.indexOf('</dl>'))).not.toContain(emails.ann)
  })
})
