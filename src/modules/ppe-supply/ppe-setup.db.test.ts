import { load } from 'cheerio'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { actorFor as loadActorOf } from '../../../test/support/actors.ts'
import { type TestApp, TestClient } from '../../../test/support/test-app.ts'
import { engines } from '../../../test/support/test-database.ts'
import { scheduledJobs } from '../../modules.ts'
import { sendLowStockAlerts } from './low-stock-alerts.ts'
import { setUpPpe } from './ppe-supply.test-fixture.ts'

// Setting up the council's PPE (stores, items with a price from a date), the low-stock e-mail to the
// PPE team, and the return's "help requested: PPE" link to a prefilled request.
describe.each(engines)('PPE set-up, low-stock alerts and the return link on %s', (engine) => {
  let t: TestApp
  const ids: Record<string, string> = {}
  const emails: Record<string, string> = {}

  beforeAll(async () => {
    t = await setUpPpe(engine, ids, emails)
  })
  afterAll(async () => {
    await t?.close()
  })

  const signedIn = async (who: string) => {
    const client = new TestClient(t.app)
    await client.signIn(emails[who]!)
    return client
  }
  const count = async (table: 'ppeStores' | 'ppeItems' | 'ppeItemPrices' | 'outboxMessages') =>
    Number(
      (
        await t.database.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    )
  const summaryOf = (html: string) => {
    const $ = load(html)
    return $('.govuk-error-summary a')
      .map((_, a) => `${$(a).attr('href')} ${$(a).text().trim()}`)
      .get()
  }
  const audited = (action: string) =>
    t.database.db
      .selectFrom('auditEvents')
      .select(['actorUserId', 'councilId', 'entityId'])
      .where('action', '=', action)
      .execute()

  it('lets the PPE team add a store, naming each bad field and saving nothing until it is right', async () => {
    for (const who of ['manager', 'partner', 'viewer']) {
      const client = await signedIn(who)
      expect((await client.get('/ppe/stores/new')).statusCode, who).toBe(404)
    }
    const officer = await signedIn('officer')
    expect((await officer.get('/ppe/stores/new')).statusCode).toBe(200)
    const before = await count('ppeStores')
    const empty = await officer.post('/ppe/stores/new', { name: '', kind: '', address: '' })
    expect(empty.statusCode).toBe(400)
    expect(summaryOf(empty.body)).toEqual([
      '#name Enter the name of the store',
      '#kind Select the kind of store',
      '#address Enter the address of the store',
    ])
    const taken = await officer.post('/ppe/stores/new', {
      name: 'central STORE',
      kind: 'moon_base',
      address: '1 High Street',
    })
    expect(summaryOf(taken.body)).toEqual([
      '#name There is already a store called central STORE',
      '#kind Select the kind of store',
    ])
    expect(await count('ppeStores')).toBe(before)

    const added = await officer.post('/ppe/stores/new', {
      name: 'Eastgate drop-off point',
      kind: 'local_hub',
      address: 'Eastgate Library, Northmoor NM5 2EG',
    })
    expect([302, 303]).toContain(added.statusCode)
    const store = await t.database.db
      .selectFrom('ppeStores')
      .select(['id', 'councilId', 'kind', 'address'])
      .where('name', '=', 'Eastgate drop-off point')
      .executeTakeFirstOrThrow()
    expect(store).toMatchObject({ councilId: ids.council, kind: 'local_hub' })
    // The banner's words travel signed: CareHub's redirect shows them, a crafted link cannot.
    const shown = load((await officer.get(added.headers.location as string)).body)
    expect(shown('.govuk-notification-banner').text()).toContain('Eastgate drop-off point added')
    const crafted = `/ppe/stores/${store.id}?done=${encodeURIComponent('Stock recalled: ring 0800 000 000')}`
    const forged = load((await officer.get(crafted)).body)
    expect(forged('h1').text()).toContain('Eastgate drop-off point')
    expect(forged('.govuk-notification-banner')).toHaveLength(0)
    expect(await audited('ppe-store-added')).toEqual([
      { actorUserId: ids.officer, councilId: ids.council, entityId: store.id },
    ])
    // Listed with the council's stores, even with nothing in it yet; not another council's.
    const list = load((await officer.get('/ppe/stores')).body)
    expect(
      list('h2 a')
        .map((_, a) => list(a).text())
        .get(),
    ).toContain('Eastgate drop-off point')
    expect(list('body').text()).toContain('Local distribution point, Eastgate Library')
    const other = await signedIn('otherOfficer')
    expect((await other.get(`/ppe/stores/${store.id}`)).statusCode).toBe(404)
  })

  it('adds an item with a price from a date, refusing a pack of 0 and a negative price', async () => {
    expect((await (await signedIn('manager')).get('/ppe/items/new')).statusCode).toBe(404)
    const officer = await signedIn('officer')
    expect((await officer.get('/ppe/items/new')).statusCode).toBe(200)
    const before = [await count('ppeItems'), await count('ppeItemPrices')]
    const bad = await officer.post('/ppe/items/new', {
      name: 'Aprons',
      unit: 'apron',
      packSize: '0',
      price: '-0.03',
      'effectiveFrom-day': '31',
      'effectiveFrom-month': '2',
      'effectiveFrom-year': '2020',
    })
    expect(bad.statusCode).toBe(400)
    expect(summaryOf(bad.body)).toEqual([
      '#packSize Pack size must be 1 or more',
      '#price Price per unit must be £0.00 or more',
      '#effectiveFrom-day Date the price starts must be a real date, like 26 5 2020',
    ])
    expect(load(bad.body)('#price').val()).toBe('-0.03')
    const fractional = await officer.post('/ppe/items/new', {
      name: 'Aprons',
      unit: 'apron',
      packSize: '2.5',
      price: '0.035',
    })
    expect(summaryOf(fractional.body)).toEqual([
      '#packSize Pack size must be a whole number, like 12',
      '#price Price per unit must be in pounds and pence, like 0.12',
    ])
    expect([await count('ppeItems'), await count('ppeItemPrices')]).toEqual(before)

    const added = await officer.post('/ppe/items/new', {
      name: 'Aprons',
      unit: 'apron',
      packSize: '100',
      price: '0.03',
      'effectiveFrom-day': '1',
      'effectiveFrom-month': '3',
      'effectiveFrom-year': '2020',
    })
    expect([302, 303]).toContain(added.statusCode)
    const item = await t.database.db
      .selectFrom('ppeItems')
      .innerJoin('ppeItemPrices', 'ppeItemPrices.itemId', 'ppeItems.id')
      .select(['ppeItems.id', 'packSize', 'effectiveFrom', 'unitPricePence'])
      .where('name', '=', 'Aprons')
      .execute()
    expect(item.map((i) => [i.packSize, String(i.effectiveFrom), Number(i.unitPricePence)])).toEqual([
      [100, '2020-03-01', 3],
    ])
    expect((await audited('ppe-item-added')).map((a) => a.entityId)).toContain(item[0]!.id)
    const page = load((await officer.get('/ppe/items')).body)
    expect(page('body').text()).toContain('£0.03 from 1 March 2020')
  })

  it('e-mails the PPE team once when stock falls below its threshold, and again after it recovers', async () => {
    const db = t.database.db
    const officer = await loadActorOf(db, ids.officer!)
    const stock = t.services.ppeSupply.stock
    const receive = (quantity: number) =>
      stock.recordMove(officer, ids.hub!, 'receipt', {
        itemId: ids.masks!,
        quantity: String(quantity),
        source: 'donation',
      })
    const writeOff = (quantity: number) =>
      stock.recordMove(officer, ids.hub!, 'write_off', {
        itemId: ids.masks!,
        quantity: String(quantity),
        reason: 'damaged',
      })
    expect((await receive(500))?.ok).toBe(true)
    expect((await stock.setThreshold(officer, ids.hub!, { itemId: ids.masks!, threshold: '300' }))?.ok).toBe(
      true,
    )
    const lowStockMail = () =>
      db
        .selectFrom('outboxMessages')
        .select(['toAddress', 'subject', 'body'])
        .where('kind', '=', 'ppe-low-stock')
        .orderBy('createdAt')
        .orderBy('toAddress')
        .execute()
    const run = () => sendLowStockAlerts(db, t.clock, 'http://carehub.test')
    // Scheduled with every app instance, under a lock of its own.
    const jobs = scheduledJobs(t.services)
    expect(jobs.filter((j) => j.name === 'ppe-low-stock-alerts')).toHaveLength(1)
    expect(new Set(jobs.map((j) => j.lockKey)).size).toBe(jobs.length)

    // Above the threshold: nothing to say.
    expect((await run()).emails).toBe(0)
    expect(await lowStockMail()).toEqual([])

    // Falls below: the council's officers (not its viewer, not another council's) hear once.
    expect((await writeOff(250))?.ok).toBe(true)
    expect(await run()).toMatchObject({ alerts: 1, emails: 1 })
    const first = await lowStockMail()
    expect(first.map((m) => m.toAddress)).toEqual([emails.officer])
    expect(first[0]!.subject).toBe('Low PPE stock: FFP3 masks at Hospital hub')
    expect(first[0]!.body).toContain('FFP3 masks at Hospital hub: 250 mask left, below the threshold of 300')
    expect(first[0]!.body).toContain(`http://carehub.test/ppe/stores/${ids.hub}`)

    // Still low, and lower: not again.
    expect((await writeOff(50))?.ok).toBe(true)
    t.clock.advanceMinutes(10)
    expect(await run()).toMatchObject({ alerts: 0, emails: 0 })
    expect(await lowStockMail()).toHaveLength(1)

    // Back at the threshold: re-armed, silent; below again: a second e-mail.
    expect((await receive(100))?.ok).toBe(true)
    expect(await run()).toMatchObject({ rearmed: 1, emails: 0 })
    expect((await writeOff(1))?.ok).toBe(true)
    t.clock.advanceMinutes(10)
    expect(await run()).toMatchObject({ alerts: 1, emails: 1 })
    expect(await lowStockMail()).toHaveLength(2)
  })

  it('links a return that asked for help with PPE to a request for that location, its reason given', async () => {
    const db = t.database.db
    const manager = await signedIn('manager')
    const linkText = 'Ask for emergency PPE for Birch House'
    const homeLinks = async (client: TestClient) => {
      const $ = load((await client.get('/')).body)
      return $('a')
        .filter((_, a) => $(a).text().trim() === linkText)
        .map((_, a) => $(a).attr('href'))
        .get()
    }
    expect(await homeLinks(manager)).toEqual([])
    const returnId = (
      await db
        .insertInto('situationReturns')
        .values({
          locationId: ids.location!,
          frequency: 'daily',
          periodStart: '2020-04-14',
          version: 1,
          isCurrent: true,
          datasetVersion: 1,
          values: JSON.stringify({ ppeDaysGloves: 0, helpRequested: 'staffing,ppe' }),
          nilReturn: false,
          nothingChanged: false,
          source: 'web',
          timing: 'on-time',
          submittedBy: ids.manager!,
          submittedAt: t.clock.now(),
          amendmentReason: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id
    const href = `/ppe/requests/new?locationId=${ids.location}&from=return`
    expect(await homeLinks(manager)).toEqual([href])
    // Not another provider's manager's home.
    expect(await homeLinks(await signedIn('otherManager'))).toEqual([])
    // The return's confirmation links there too.
    const confirmation = load((await manager.get(`/returns/${returnId}?submitted=1`)).body)
    expect(confirmation(`a[href="${href}"]`).text()).toBe(linkText)

    const form = load((await manager.get(href)).body)
    expect(form('#locationId option[selected]').val()).toBe(ids.location)
    expect(form('#notes').text()).toBe('We asked for help with PPE in our situation return.')

    // Once a request is made for the location, the home page no longer asks.
    t.clock.advanceMinutes(5)
    const sent = await manager.post('/ppe/requests/new', {
      locationId: ids.location!,
      [`quantity-${ids.gloves}`]: '200',
      [`cover-${ids.gloves}`]: '0',
      hasCases: 'no',
      outbreak: 'no',
      notes: 'We asked for help with PPE in our situation return.',
      action: 'send',
    })
    expect(sent.statusCode).toBe(302)
    expect(await homeLinks(manager)).toEqual([])
  })
})
