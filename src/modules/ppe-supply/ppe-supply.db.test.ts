import { load } from 'cheerio'
import fc from 'fast-check'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { actorFor as loadActorOf } from '../../../test/support/actors.ts'
import { type TestApp, TestClient } from '../../../test/support/test-app.ts'
import { engines } from '../../../test/support/test-database.ts'
import { londonDate } from '../../domain/dates.ts'
import { setUpPpe } from './ppe-supply.test-fixture.ts'

// The test clock starts on Tuesday 14 April 2020, 09:00 in London.
describe.each(engines)('PPE supply on %s', (engine) => {
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
  const actor = (key: string) => loadActorOf(t.database.db, ids[key]!)
  const moveCount = async () =>
    Number(
      (
        await t.database.db
          .selectFrom('ppeStockMoves')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    )
  const errorsOf = (html: string) => {
    const $ = load(html)
    return $('.govuk-error-summary a')
      .map((_, a) => $(a).text().trim())
      .get()
  }

  // Every balance the writer keeps equals the sum of its moves, per batch and per item and store.
  const expectBalancesMatchLedger = async () => {
    const db = t.database.db
    const byItem = await sql<{ mismatches: string }>`
      select count(*) as mismatches from ppe_stock_balances b
      where b.quantity <> (select coalesce(sum(m.quantity), 0) from ppe_stock_moves m where m.store_id = b.store_id and m.item_id = b.item_id)`.execute(
      db,
    )
    const byBatch = await sql<{ mismatches: string }>`
      select count(*) as mismatches from ppe_batch_balances b
      where b.quantity <> (select coalesce(sum(m.quantity), 0) from ppe_stock_moves m where m.batch_id = b.batch_id)`.execute(
      db,
    )
    expect(Number(byItem.rows[0]!.mismatches)).toBe(0)
    expect(Number(byBatch.rows[0]!.mismatches)).toBe(0)
  }

  it('keeps every balance equal to the sum of its moves, and refuses more out than is in stock (property)', async () => {
    const officer = await actor('officer')
    const stock = t.services.ppeSupply.stock
    const names: Record<string, string> = { [ids.gloves!]: 'Disposable gloves', [ids.masks!]: 'FFP3 masks' }
    const model = new Map<string, number>()
    const balance = (store: string, item: string) => model.get(`${store}/${item}`) ?? 0
    const move = fc.record({
      kind: fc.constantFrom('receipt', 'transfer', 'write_off', 'count', 'receipt'),
      store: fc.constantFrom('store', 'hub'),
      item: fc.constantFrom('gloves', 'masks'),
      quantity: fc.integer({ min: 1, max: 400 }),
      expiryDays: fc.option(fc.integer({ min: 1, max: 20 }), { nil: undefined }),
    })
    await fc.assert(
      fc.asyncProperty(fc.array(move, { minLength: 1, maxLength: 8 }), async (moves) => {
        for (const m of moves) {
          const storeId = ids[m.store]!
          const itemId = ids[m.item]!
          const other = ids[m.store === 'store' ? 'hub' : 'store']!
          const form: Record<string, string> = {
            itemId,
            quantity: String(m.quantity),
            counted: String(m.quantity),
          }
          if (m.kind === 'receipt') {
            form.source = 'national_portal'
            if (m.expiryDays)
              Object.assign(form, {
                'expiresOn-day': String(m.expiryDays),
                'expiresOn-month': '12',
                'expiresOn-year': '2021',
              })
          }
          if (m.kind === 'transfer') form.toStoreId = other
          if (m.kind === 'write_off') form.reason = 'damaged'
          if (m.kind === 'count') form.reason = 'Weekly count'
          const before = await moveCount()
          const result = await stock.recordMove(officer, storeId, m.kind as never, form)
          const available = balance(storeId, itemId)
          if ((m.kind === 'transfer' || m.kind === 'write_off') && m.quantity > available) {
            expect(result).toEqual({
              ok: false,
              errors: { quantity: expect.stringContaining(`only ${available.toLocaleString('en-GB')} `) },
            })
            expect(result && !result.ok && result.errors.quantity).toContain(names[itemId])
            expect(await moveCount()).toBe(before)
            continue
          }
          expect(result?.ok).toBe(true)
          const key = `${storeId}/${itemId}`
          if (m.kind === 'receipt') model.set(key, available + m.quantity)
          if (m.kind === 'write_off') model.set(key, available - m.quantity)
          if (m.kind === 'count') model.set(key, m.quantity)
          if (m.kind === 'transfer') {
            model.set(key, available - m.quantity)
            model.set(`${other}/${itemId}`, balance(other, itemId) + m.quantity)
          }
        }
        const balances = (await stock.balances(officer))!
        for (const b of balances) expect(b.balance).toBe(balance(b.storeId, b.itemId))
        await expectBalancesMatchLedger()
      }),
      { numRuns: 12 },
    )
  })

  it('rejects bad store input with a message per field and changes nothing', async () => {
    const officer = await signedIn('officer')
    await officer.get(`/ppe/stores/${ids.store}/moves/new?kind=receipt`)
    const before = await moveCount()
    for (const [quantity, message] of [
      ['', 'Enter the quantity'],
      ['-3', 'Quantity must be 1 or more'],
      ['2.5', 'Quantity must be a whole number, like 12'],
    ] as const) {
      const bad = await officer.post(`/ppe/stores/${ids.store}/moves/new?kind=receipt`, {
        itemId: ids.gloves!,
        quantity,
        source: 'donation',
      })
      expect(bad.statusCode).toBe(400)
      expect(errorsOf(bad.body)).toEqual([message])
    }
    const unknown = await officer.post(`/ppe/stores/${ids.store}/moves/new?kind=receipt`, {
      itemId: '00000000-0000-4000-8000-000000000000',
      quantity: '5',
      source: 'purchase',
    })
    expect(errorsOf(unknown.body)).toEqual([
      'Select an item',
      'Enter what the purchase cost',
      'Enter the invoice reference of the purchase',
    ])
    expect(await moveCount()).toBe(before)
    // Another council's officer, and a provider, cannot reach the store.
    expect((await (await signedIn('otherOfficer')).get(`/ppe/stores/${ids.store}`)).statusCode).toBe(404)
    expect((await (await signedIn('manager')).get(`/ppe/stores/${ids.store}`)).statusCode).toBe(404)
    expect((await (await signedIn('partner')).get(`/ppe/stores/${ids.store}`)).statusCode).toBe(200)
  })

  it('takes a request from a provider to delivery, part approved, charged then free by the policy date', async () => {
    const db = t.database.db
    const officerActor = await actor('officer')
    // Chargeable before 26 May 2020, emergency supplies free from it.
    const figures = t.services.ppeSupply.figures
    for (const rule of [
      { day: '1', month: '4', charge: 'chargeable', route: '' },
      { day: '26', month: '5', charge: 'free', route: 'emergency' },
    ])
      expect(
        await figures.addChargingRule(officerActor, {
          'effectiveFrom-day': rule.day,
          'effectiveFrom-month': rule.month,
          'effectiveFrom-year': '2020',
          itemId: '',
          route: rule.route,
          charge: rule.charge,
        }),
      ).toEqual({ ok: true, value: null })
    await t.services.ppeSupply.stock.recordMove(officerActor, ids.store!, 'receipt', {
      itemId: ids.gloves!,
      quantity: '100000',
      source: 'national_portal',
    })
    let manager = await signedIn('manager')
    let officer = await signedIn('officer')

    const journey = async (asked: number, approve: number) => {
      manager = await signedIn('manager')
      officer = await signedIn('officer')
      await manager.get(`/ppe/requests/new?locationId=${ids.location}`)
      const form = {
        locationId: ids.location!,
        [`quantity-${ids.gloves}`]: String(asked),
        [`cover-${ids.gloves}`]: '0',
        hasCases: 'yes',
        outbreak: 'no',
      }
      const check = await manager.post('/ppe/requests/new', form)
      expect(load(check.body)('h1').text()).toBe('Check your request before sending it')
      const sent = await manager.post('/ppe/requests/new', { ...form, action: 'send' })
      expect(sent.statusCode).toBe(302)
      const id = /\/ppe\/requests\/([0-9a-f-]{36})/.exec(sent.headers.location as string)![1]!
      const request = await db
        .selectFrom('ppeRequests')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
      expect(request.targetHours).toBe(24)
      // More than was asked is refused and changes nothing.
      await officer.get(`/ppe/requests/${id}`)
      const tooMany = await officer.post(`/ppe/requests/${id}/decision`, {
        decision: 'approve',
        [`approve-${ids.gloves}`]: String(asked + 1),
      })
      expect(errorsOf(tooMany.body)).toEqual([
        `You cannot approve more Disposable gloves than the ${asked} asked for`,
      ])
      const statusOf = async () =>
        (await db.selectFrom('ppeRequests').select('status').where('id', '=', id).executeTakeFirstOrThrow())
          .status
      expect(await statusOf()).toBe('requested')
      expect(
        (
          await officer.post(`/ppe/requests/${id}/decision`, {
            decision: 'approve',
            [`approve-${ids.gloves}`]: String(approve),
          })
        ).statusCode,
      ).toBe(302)
      expect((await officer.post(`/ppe/requests/${id}/pick`, { storeId: ids.store! })).statusCode).toBe(302)
      expect((await officer.post(`/ppe/requests/${id}/dispatch`, {})).statusCode).toBe(302)
      const early = await officer.post(`/ppe/requests/${id}/delivery`, {
        receivedBy: 'Sam',
        'deliveredDate-day': '1',
        'deliveredDate-month': '1',
        'deliveredDate-year': '2020',
        deliveredTime: '10:00',
      })
      expect(errorsOf(early.body)).toEqual([
        'The delivery date must be the same as or after the dispatch date',
      ])
      expect(await statusOf()).toBe('dispatched')
      // The test clock stands at 09:00 in London: delivered as it was dispatched.
      const [year, month, day] = londonDate(t.clock.now()).split('-')
      const delivered = await officer.post(`/ppe/requests/${id}/delivery`, {
        receivedBy: 'Sam Lee',
        'deliveredDate-day': String(Number(day)),
        'deliveredDate-month': String(Number(month)),
        'deliveredDate-year': year!,
        deliveredTime: '09:00',
      })
      expect(delivered.statusCode).toBe(302)
      const page = await manager.get(`/ppe/requests/${id}`)
      expect(page.body).toContain('Delivered')
      expect(page.body).toContain('Part approved')
      return id
    }

    const before = await journey(500, 300)
    t.clock.set(new Date('2020-06-02T08:00:00Z'))
    const after = await journey(500, 300)
    const issues = await db.selectFrom('ppeStockMoves').selectAll().where('kind', '=', 'issue').execute()
    // An issue may take several batches (first expiry first): one move per batch, summed per request.
    const of = (id: string) => {
      const own = issues.filter((m) => m.requestId === id)
      return {
        units: own.reduce((t, m) => t - m.quantity, 0),
        free: [...new Set(own.map((m) => m.free))],
        unitPrices: [...new Set(own.map((m) => Number(m.unitPricePence)))],
        charged: own.reduce((t, m) => t + Number(m.chargedPence), 0),
      }
    }
    expect(of(before)).toEqual({ units: 300, free: [false], unitPrices: [5], charged: 1500 })
    expect(of(after)).toEqual({ units: 300, free: [true], unitPrices: [5], charged: 0 })
    // The invoice list totals the charged issues; the figures equal direct sums over the ledger.
    const officerNow = await actor('officer')
    const list = (await figures.chargeable(officerNow, { from: '2020-04-01', to: '2020-06-30' }))!
    expect(list.totalPence).toBe(issues.reduce((s, m) => s + Number(m.chargedPence ?? 0), 0))
    expect(list.totalPence).toBe(1500)
    const csv = await officer.get('/ppe/chargeable.csv?from=2020-04-01&to=2020-06-30')
    expect(csv.body).toContain('Birch Care Ltd')
    expect(csv.body.trim().split('\n').at(-1)).toContain('15.00')
    // Found by fuzzing (issue 26): a provider that is not an id answered 500; it lists none.
    for (const provider of ['%20', 'x', '1'])
      expect(
        (await officer.get(`/ppe/chargeable?from=2020-04-01&to=2020-06-30&provider=${provider}`)).statusCode,
      ).toBe(200)
    expect(
      (await figures.chargeable(officerNow, { from: '2020-04-01', to: '2020-06-30' }, 'x'))!.rows,
    ).toEqual([])
    const figuresNow = (await figures.figures(officerNow, { from: '2020-04-01', to: '2020-06-30' }))!
    expect(figuresNow.totals).toEqual({ units: 600, freePence: 1500, chargedPence: 1500, totalPence: 3000 })
    expect(figuresNow.rows.every((r) => r.contracted && r.serviceType === 'care_home_residential')).toBe(true)
    expect(await t.services.ppeSupply.valueIssuedInCouncil(ids.council!, '2020-06-01', '2020-06-30')).toEqual(
      {
        units: 300,
        freePence: 1500,
        chargedPence: 0,
        totalPence: 1500,
      },
    )
    expect(figuresNow.panel!.openRequests).toBe(0)
    await expectBalancesMatchLedger()

    // The other provider never sees the request; the location's page lists it.
    expect((await (await signedIn('otherManager')).get(`/ppe/requests/${before}`)).statusCode).toBe(404)
    expect((await (await signedIn('otherOfficer')).get(`/ppe/requests/${before}`)).statusCode).toBe(404)
    expect((await officer.get(`/locations/${ids.location}`)).body).toContain(`/ppe/requests/${before}`)
  })

  it('shows a declined request’s reason at the top of the provider’s home page, and refuses bad requests', async () => {
    const manager = await signedIn('manager')
    await manager.get('/ppe/requests/new')
    const requestCount = async () =>
      (await t.database.db.selectFrom('ppeRequests').select('id').execute()).length
    const requestsBefore = await requestCount()
    const bad = await manager.post('/ppe/requests/new', {
      locationId: ids.otherLocation!,
      [`quantity-${ids.gloves}`]: '-2',
      'quantity-00000000-0000-4000-8000-000000000000': '5',
    })
    expect(bad.statusCode).toBe(400)
    expect(errorsOf(bad.body)).toEqual([
      'Select the location the PPE is for',
      'Select whether you have cases of COVID-19',
      'Select whether you have an outbreak',
    ])
    const wrong = await manager.post('/ppe/requests/new', {
      locationId: ids.location!,
      [`quantity-${ids.gloves}`]: '1.5',
      'quantity-00000000-0000-4000-8000-000000000000': '5',
      hasCases: 'no',
      outbreak: 'no',
    })
    expect(errorsOf(wrong.body)).toEqual([
      'Ask only for the items listed: one of them is not an item the council supplies',
      'Quantity of Disposable gloves must be a whole number, like 12',
    ])
    const negative = await manager.post('/ppe/requests/new', {
      locationId: ids.location!,
      [`quantity-${ids.gloves}`]: '-2',
      hasCases: 'no',
      outbreak: 'no',
      action: 'send',
    })
    expect(errorsOf(negative.body)).toEqual(['Quantity of Disposable gloves must be 1 or more'])
    // Bad input, even sent, saves no request.
    expect(await requestCount()).toBe(requestsBefore)
    const sent = await manager.post('/ppe/requests/new', {
      locationId: ids.location!,
      [`quantity-${ids.masks}`]: '40',
      hasCases: 'no',
      outbreak: 'no',
      action: 'send',
    })
    const id = /\/ppe\/requests\/([0-9a-f-]{36})/.exec(sent.headers.location as string)![1]!
    const officer = await signedIn('officer')
    await officer.get(`/ppe/requests/${id}`)
    const noReason = await officer.post(`/ppe/requests/${id}/decision`, { decision: 'decline' })
    expect(errorsOf(noReason.body)).toEqual(['Enter why the request is declined: the provider will see it'])
    await officer.post(`/ppe/requests/${id}/decision`, {
      decision: 'decline',
      declineReason: 'Order FFP3 masks through the national portal',
    })
    const home = load((await manager.get('/')).body)
    const banner = home('.govuk-notification-banner').first()
    expect(banner.text()).toContain('Order FFP3 masks through the national portal')
    // The banner stands above the page's own content.
    expect(home('main').html()!.indexOf('govuk-notification-banner')).toBeLessThan(
      home('main').html()!.indexOf('Your returns'),
    )
  })
})
