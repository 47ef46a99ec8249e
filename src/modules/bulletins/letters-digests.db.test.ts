import { inflateSync } from 'node:zlib'
import JSZip from 'jszip'
import { PDFArray, PDFDocument, PDFName, PDFRawStream } from 'pdf-lib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAlert } from '../../../test/support/alerts.ts'
import {
  createLocation,
  createOrganisation,
  createProvider,
  createUser,
} from '../../../test/support/factories.ts'
import { buildTestApp, type TestApp, TestClient } from '../../../test/support/test-app.ts'
import { engines } from '../../../test/support/test-database.ts'
import { notifyNewRedAlerts } from '../casework/index.ts'
import { sendDailyDigests } from './digests.service.ts'

// The text a PDF shows, read back from the file: each page's content streams (inflated), the strings
// its text operators draw, line by line (pdf-lib writes each line as one hex string, Windows-1252).
async function pdfText(bytes: Buffer): Promise<{ pages: number; title: string | undefined; text: string }> {
  const pdf = await PDFDocument.load(bytes)
  const lines: string[] = []
  for (const page of pdf.getPages()) {
    const contents = page.node.Contents()
    const streams =
      contents instanceof PDFArray ? contents.asArray().map((r) => pdf.context.lookup(r)) : [contents]
    for (const stream of streams) {
      if (!(stream instanceof PDFRawStream)) continue
      const raw = Buffer.from(stream.contents)
      const data = stream.dict.get(PDFName.of('Filter')) ? inflateSync(raw) : raw
      for (const m of data.toString('latin1').matchAll(/<([0-9A-Fa-f]*)> Tj/g))
        lines.push(Buffer.from(m[1]!, 'hex').toString('latin1'))
    }
  }
  return { pages: pdf.getPageCount(), title: pdf.getTitle(), text: lines.join('\n') }
}

describe.each(engines)('letters and digests on %s', (engine) => {
  let t: TestApp
  const ids: Record<string, string> = {}
  const emails: Record<string, string> = {}

  beforeAll(async () => {
    t = await buildTestApp(engine)
    const db = t.database.db
    ids.council = await createOrganisation(db, 'council', 'Letter Council', { onsCode: 'E10000095' })
    emails.officer = (await createUser(db, ids.council, 'council_officer')).email
    ids.provider = await createProvider(db, 'Rowan Home Care Ltd')
    const org = await createOrganisation(db, 'provider', 'Rowan Home Care Ltd', { providerId: ids.provider })
    ids.location = await createLocation(db, ids.provider, ids.council, { name: 'Rowan Home Care' })
    ids.other = await createLocation(db, ids.provider, ids.council, { name: 'Rowan Court' })
    emails.manager = (await createUser(db, org, 'provider_manager')).email
    const stranger = await createProvider(db, 'Stranger Ltd')
    const strangerOrg = await createOrganisation(db, 'provider', 'Stranger Ltd', { providerId: stranger })
    emails.stranger = (await createUser(db, strangerOrg, 'provider_manager')).email
  })
  afterAll(async () => {
    await t?.close()
  })

  async function signedIn(who: string) {
    const client = new TestClient(t.app)
    await client.signIn(emails[who]!)
    return client
  }

  it('gives a provider the letter as DOCX with its name and the council’s numbers merged, recorded', async () => {
    const officer = await signedIn('officer')
    await officer.get('/letters')
    const bad = await officer.post('/letters', {
      body: 'Hello {{colour}}',
      phone: 'call us',
      outOfHoursPhone: '',
    })
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('The letter names a field that does not exist: {{colour}}')
    expect(bad.body).toContain('Enter a telephone number, like 01632 960 001')
    const saved = await officer.post('/letters', {
      body: 'Dear {{providerName}} customer,\nCall {{councilName}} on {{councilPhone}} or {{outOfHoursPhone}}.',
      phone: '01632 960 001',
      outOfHoursPhone: '01632 960 999',
    })
    expect(saved.statusCode).toBe(302)

    const manager = await signedIn('manager')
    expect((await manager.get('/letters')).body).toContain('Download the letter (DOCX)')
    const docx = await manager.get(`/letters/${ids.provider}/letter.docx`)
    expect(docx.statusCode).toBe(200)
    const zip = await JSZip.loadAsync(docx.rawPayload)
    const xml = await zip.file('word/document.xml')!.async('string')
    const text = xml.replace(/<[^>]+>/g, '')
    expect(text).toContain('Dear Rowan Home Care Ltd customer,')
    expect(text).toContain('Call Letter Council on 01632 960 001 or 01632 960 999.')
    // Another provider cannot have this one's letter.
    expect((await (await signedIn('stranger')).get(`/letters/${ids.provider}/letter.docx`)).statusCode).toBe(
      404,
    )
    expect((await officer.get('/letters')).body).toMatch(/id="letter-issues"><li>Rowan Home Care Ltd,/)
  })

  it('gives the letter as a PDF too, read back with the provider’s name and the council’s numbers', async () => {
    // The template saved by the test above.
    const manager = await signedIn('manager')
    expect((await manager.get('/letters')).body).toContain('Download the letter (PDF)')
    const response = await manager.get(`/letters/${ids.provider}/letter.pdf`)
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toBe('application/pdf')
    const pdf = await pdfText(response.rawPayload)
    expect(pdf.pages).toBe(1)
    expect(pdf.title).toBe('Letter from Letter Council')
    expect(pdf.text).toContain('Dear Rowan Home Care Ltd customer,')
    expect(pdf.text).toContain('Call Letter Council on 01632 960 001 or 01632 960 999.')
    expect((await (await signedIn('stranger')).get(`/letters/${ids.provider}/letter.pdf`)).statusCode).toBe(
      404,
    )
    const issued = await t.database.db
      .selectFrom('auditEvents')
      .select('after')
      .where('action', '=', 'letter-issued')
      .execute()
    expect(issued.map((a) => (a.after as { format: string }).format).sort()).toEqual(['docx', 'pdf'])
  })

  it('sends an officer on the daily digest one e-mail a day listing each new alert once', async () => {
    const officer = await signedIn('officer')
    expect((await officer.get('/digests')).body).toContain(
      'Red alerts for your team are also e-mailed at once.',
    )
    expect((await officer.post('/digests', { mode: 'weekly' })).statusCode).toBe(400)
    expect((await officer.post('/digests', { mode: 'daily' })).statusCode).toBe(302)
    const db = t.database.db
    const at = (iso: string) => new Date(iso)
    await createAlert(db, {
      locationId: ids.location!,
      key: 'outbreak',
      severity: 'red',
      title: 'Outbreak',
      message: 'Two cases',
      at: at('2020-04-14T10:00:00Z'),
    })
    await createAlert(db, {
      locationId: ids.other!,
      key: 'ppe-red',
      severity: 'red',
      title: 'Gloves low',
      message: 'One day',
      at: at('2020-04-14T15:00:00Z'),
    })
    // The digest does not hold back red alerts: the officer is e-mailed them at once all the same.
    expect(await notifyNewRedAlerts(db, t.clock, 'http://carehub.test')).toEqual({ alerts: 2, emails: 1 })
    const atOnce = await db
      .selectFrom('outboxMessages')
      .select(['toAddress', 'body'])
      .where('kind', 'in', ['red-alert', 'red-alert-digest'])
      .execute()
    expect(atOnce.map((m) => m.toAddress)).toEqual([emails.officer])
    expect(atOnce[0]!.body).toContain('Rowan Home Care: Outbreak')
    expect(atOnce[0]!.body).toContain('Rowan Court: Gloves low')
    // The same day: no digest yet (the last was today, when the choice was made).
    expect(await sendDailyDigests(db, t.clock, 'http://carehub.test')).toBe(0)
    t.clock.set(at('2020-04-15T06:00:00Z'))
    expect(await sendDailyDigests(db, t.clock, 'http://carehub.test')).toBe(1)
    expect(await sendDailyDigests(db, t.clock, 'http://carehub.test')).toBe(0)
    await createAlert(db, {
      locationId: ids.location!,
      key: 'no-return',
      severity: 'red',
      title: 'No return',
      message: 'None',
      at: at('2020-04-15T12:00:00Z'),
    })
    t.clock.set(at('2020-04-15T12:01:00Z'))
    expect(await notifyNewRedAlerts(db, t.clock, 'http://carehub.test')).toEqual({ alerts: 1, emails: 1 })
    t.clock.set(at('2020-04-16T06:00:00Z'))
    expect(await sendDailyDigests(db, t.clock, 'http://carehub.test')).toBe(1)
    const digests = await db
      .selectFrom('outboxMessages')
      .selectAll()
      .where('kind', '=', 'digest')
      .orderBy('createdAt')
      .execute()
    expect(digests.map((d) => d.toAddress)).toEqual([emails.officer, emails.officer])
    expect(digests[0]!.body).toContain('red alert: Outbreak at Rowan Home Care')
    expect(digests[0]!.body).toContain('red alert: Gloves low at Rowan Court')
    expect(digests[0]!.body).not.toContain('No return')
    expect(digests[1]!.body).toContain('red alert: No return at Rowan Home Care')
    expect(digests[1]!.body).not.toContain('Outbreak')
  })
})
