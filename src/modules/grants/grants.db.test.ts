import fs from 'node:fs'
import path from 'node:path'
import { load } from 'cheerio'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { actorFor as loadActorOf } from '../../../test/support/actors.ts'
import { type TestApp, TestClient } from '../../../test/support/test-app.ts'
import { engines } from '../../../test/support/test-database.ts'
import { returnOn, roundForm, setUpGrants } from './grants.test-fixture.ts'

// The test clock starts on Tuesday 14 April 2020, 09:00 in London.
describe.each(engines)('grant rounds on %s', (engine) => {
  let t: TestApp
  const ids: Record<string, string> = {}
  const emails: Record<string, string> = {}

  beforeAll(async () => {
    t = await setUpGrants(engine, ids, emails)
  })
  afterAll(async () => {
    await t?.close()
  })

  const signedIn = async (who: string) => {
    const client = new TestClient(t.app)
    await client.signIn(emails[who]!)
    return client
  }
  const actorFor = (key: string) => loadActorOf(t.database.db, ids[key]!)
  const count = async (table: 'grantRounds' | 'grantAllocations' | 'grantPayments' | 'grantSpendReturns') =>
    Number(
      (
        await t.database.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    )
  const problems = (body: string) => {
    const $ = load(body)
    return $('.govuk-error-summary a')
      .map((_, a) => $(a).text().trim())
      .get()
  }

  it('refuses a pot that is not money, shares that do not sum to 100 % and a tranche before the round, saving nothing', async () => {
    const finance = await signedIn('finance')
    expect((await finance.get('/grants/rounds/new')).statusCode).toBe(200)
    const bad = await finance.post('/grants/rounds/new', {
      ...roundForm,
      rules: 'registered-open',
      pot: 'lots',
      discretionaryShare: '30',
      tranche1Day: '1',
      tranche1Month: '4',
    })
    expect(bad.statusCode).toBe(400)
    expect(problems(bad.body)).toEqual([
      'The pot must be an amount of money, like £1,250,000.00',
      'The formula and discretionary shares must add up to 100 %',
      'The first tranche’s payment date must be on or after the round’s date, 14 April 2020',
    ])
    expect(load(bad.body)('a[href="#tranche1Date-day"]').length).toBe(1)
    expect(await count('grantRounds')).toBe(0)
    // Officers read grants but do not set them up; another council's finance never sees this council's.
    expect((await (await signedIn('officer')).get('/grants/rounds/new')).statusCode).toBe(404)
  })

  it('takes the pot from the fund file, previews with reasons, and shows only what the formula changes', async () => {
    const finance = await signedIn('finance')
    const created = await t.services.grants.createRound(await actorFor('finance'), roundForm)
    expect(created?.ok).toBe(true)
    ids.round = created?.ok ? created.value.id : ''
    await finance.get(`/grants/rounds/${ids.round}`)
    const fixture = fs.readFileSync(path.resolve('test/fixtures/grants/asc_infection_control_fund_by_la.csv'))
    const pot = await finance.postMultipart(
      `/grants/rounds/${ids.round}/pot`,
      { column: 'asc_icf_2020_21_gbp_m' },
      { field: 'file', fileName: 'fund.csv', content: fixture },
    )
    expect(pot.statusCode, pot.body.slice(0, 500)).toBe(302)
    const round = await t.database.db.selectFrom('grantRounds').select('potPence').executeTakeFirstOrThrow()
    expect(String(round.potPence)).toBe('237474100')

    expect((await finance.post(`/grants/rounds/${ids.round}/preview`, {})).statusCode).toBe(302)
    const first = await finance.get(`/grants/rounds/${ids.round}`)
    const $ = load(first.body)
    const why = (name: string) => $(`#preview-lines tr:contains("${name}") td`).last().text().trim()
    // (£2,374,741.00 − £50,000.00) × 75 % = £1,743,555.75, over Birch House's 40 beds alone.
    expect(why('Birch House')).toBe(
      '40 registered beds of 40 in the area on 14 April 2020 × £1,743,555.75 = £1,743,555.75',
    )
    expect(why('Cedar Court')).toBe('Nothing: No capacity tracker or return in the 14 days to 14 April 2020')
    expect(why('Elm Lodge')).toBe('Nothing: Closed on 14 April 2020')
    expect(why('Fir Home Care')).toBe('Nothing: Not a care home: the round is per registered bed')
    expect(first.body).not.toContain('Oak View')
    // Ten working days from Tuesday 14 April 2020 (no bank holidays in them): Tuesday 28 April.
    expect($('#tranches + p').text()).toContain('passed on by 28 April 2020 (10 working days')

    // Cedar Court's capacity tracker return arrives: previewed again, only the two care homes change.
    await returnOn(t.database.db, ids.cedar!, '2020-04-13')
    await finance.post(`/grants/rounds/${ids.round}/preview`, {})
    const second = load((await finance.get(`/grants/rounds/${ids.round}`)).body)
    const changes = second('#preview-changes tbody tr')
      .map((_, tr) =>
        second(tr)
          .children()
          .map((_, cell) => second(cell).text().trim())
          .get()
          .join(' '),
      )
      .get()
    expect(changes).toEqual([
      'Birch House £1,743,555.75 £697,422.30',
      'Cedar Court Nothing (No capacity tracker or return in the 14 days to 14 April 2020) £1,046,133.45',
    ])
  })

  it('commits by finance only, then lets the provider accept from its home page, named and dated', async () => {
    const finance0 = await signedIn('finance')
    const change = await finance0.get(`/grants/rounds/${ids.round}/change`)
    expect(change.statusCode).toBe(200)
    expect(load(change.body)('#pot').val()).toBe('2374741.00')
    const officer = await signedIn('officer')
    expect((await officer.get('/grants')).body).toContain('Infection Control Fund 2020, round 1')
    expect((await officer.get(`/grants/rounds/${ids.round}/change`)).statusCode).toBe(404)
    await officer.get(`/grants/rounds/${ids.round}`)
    expect((await officer.post(`/grants/rounds/${ids.round}/commit`, {})).statusCode).toBe(404)
    const elsewhere = await signedIn('otherFinance')
    expect((await elsewhere.get(`/grants/rounds/${ids.round}`)).statusCode).toBe(404)

    const finance = await signedIn('finance')
    const check = await finance.get(`/grants/rounds/${ids.round}/commit`)
    expect(check.statusCode).toBe(200)
    const seen = String(load(check.body)('input[name="previewId"]').val())
    // Previewed again since the check page was read: that one is shown before anything is committed.
    expect((await finance.post(`/grants/rounds/${ids.round}/preview`, {})).statusCode).toBe(302)
    const stale = await finance.post(`/grants/rounds/${ids.round}/commit`, { previewId: seen })
    expect(stale.statusCode).toBe(400)
    expect(load(stale.body)('.govuk-error-summary').text()).toContain(
      'The allocation has been previewed again since you checked it: check it again',
    )
    expect(await count('grantAllocations')).toBe(0)
    const latest = String(
      load((await finance.get(`/grants/rounds/${ids.round}/commit`)).body)('input[name="previewId"]').val(),
    )
    expect(latest).not.toBe(seen)
    expect((await finance.post(`/grants/rounds/${ids.round}/commit`, { previewId: latest })).statusCode).toBe(
      302,
    )
    expect(await count('grantAllocations')).toBe(4)

    const manager = await signedIn('manager')
    const home = load((await manager.get('/')).body)
    expect(home('#grants').length).toBe(1)
    expect(home.text()).toContain('You have 1 grant to accept or decline.')
    const link = home('#main-content a[href^="/grants/allocations/"]').attr('href')!
    ids.allocation = link.split('/').pop()!
    // Another provider's allocation is not found.
    const other = await signedIn('otherManager')
    expect((await other.get(link)).statusCode).toBe(404)

    await manager.get(link)
    const bad = await manager.post(`${link}/decision`, { decision: '', name: ' ' })
    expect(bad.statusCode).toBe(400)
    expect(problems(bad.body)).toEqual([
      'Select whether you accept or decline the terms',
      'Enter the name of the person accepting or declining',
    ])
    expect(
      (await manager.post(`${link}/decision`, { decision: 'accepted', name: 'Maria Santos' })).statusCode,
    ).toBe(302)
    const accepted = await manager.get(link)
    expect(accepted.body).toContain('Accepted by Maria Santos on 14 April 2020')
    // Cedar declines.
    const cedarLink = `/grants/allocations/${(await t.database.db.selectFrom('grantAllocations').select('id').where('locationId', '=', ids.cedar!).executeTakeFirstOrThrow()).id}`
    await other.get(cedarLink)
    await other.post(`${cedarLink}/decision`, { decision: 'declined', name: 'Sam Cedar' })
  })

  it('records the first tranche for those who accepted; the provider sees owed, accepted and received', async () => {
    const finance = await signedIn('finance')
    const round = load((await finance.get(`/grants/rounds/${ids.round}`)).body)
    const action = round('form[action*="/tranches/"]').first().attr('action')!
    const early = await finance.post(action, { day: '1', month: '4', year: '2020' })
    expect(early.statusCode).toBe(400)
    expect(problems(early.body)).toEqual([
      'The payment date must be on or after the round’s date, 14 April 2020',
    ])
    expect((await finance.post(action, { day: '15', month: '4', year: '2020' })).statusCode).toBe(302)
    expect(await count('grantPayments')).toBe(1)
    const manager = await signedIn('manager')
    const home = load((await manager.get('/')).body)
    const cells = home('#grants ~ table tbody tr td')
      .map((_, td) => home(td).text().trim())
      .get()
    expect(cells).toEqual(['£697,422.30', '£697,422.30', '£348,711.15'])
    const location = await manager.get(`/locations/${ids.birch}`)
    expect(location.body).toContain('£348,711.15')
  })

  it('refuses spending over the allocation, computes the clawback and sums the percentages to 100', async () => {
    const manager = await signedIn('manager')
    const link = `/grants/allocations/${ids.allocation}`
    await manager.get(link)
    const over = await manager.post(`${link}/spend`, { 'measure-0': '700,000', 'measure-1': '1000' })
    expect(over.statusCode).toBe(400)
    expect(problems(over.body)).toEqual([
      'The total spent, £701,000.00, is more than the £697,422.30 allocated',
    ])
    expect(await count('grantSpendReturns')).toBe(0)
    const sent = await manager.post(`${link}/spend`, {
      'measure-0': '200,000.01',
      'measure-1': '200,000.01',
      'measure-2': '130,000',
      'measure-3': '160,000',
    })
    expect(sent.statusCode).toBe(302)
    const spend = await t.database.db.selectFrom('grantSpendReturns').selectAll().executeTakeFirstOrThrow()
    expect(String(spend.clawbackPence)).toBe(String(69_742_230n - 69_000_002n))

    const finance = await signedIn('finance')
    const csv = await finance.get(`/grants/spend-summary.csv?round=${ids.round}`)
    expect(csv.headers['content-type']).toMatch(/^text\/csv/)
    const rows = csv.body
      .trim()
      .split('\n')
      .slice(1, 5)
      .map((l) => Number(l.split(',').at(-1)))
    expect(rows.reduce((a, b) => a + b, 0)).toBe(100)
    const xlsx = await finance.get(`/grants/spend-summary.xlsx?round=${ids.round}`)
    expect(xlsx.headers['content-type']).toMatch(/spreadsheetml/)

    // Finance records the clawback recovered.
    await finance.get(link)
    const tooMuch = await finance.post(`${link}/recovery`, {
      amount: '1,000,000',
      day: '30',
      month: '9',
      year: '2020',
    })
    expect(problems(tooMuch.body)).toEqual([
      'The amount recovered must not be more than the £7,422.28 outstanding',
    ])
    expect(
      (await finance.post(`${link}/recovery`, { amount: '7422.28', day: '30', month: '9', year: '2020' }))
        .statusCode,
    ).toBe(302)
    const recovered = await t.database.db
      .selectFrom('grantSpendReturns')
      .select('recoveredPence')
      .executeTakeFirstOrThrow()
    expect(String(recovered.recoveredPence)).toBe('742228')
  })

  it('publishes the grants as a 360Giving file with the standard’s required fields and the recorded payments', async () => {
    const finance = await signedIn('finance')
    const answer = await finance.get(`/grants/rounds/${ids.round}/360giving.json`)
    expect(answer.statusCode).toBe(200)
    const data = JSON.parse(answer.body) as { grants: Record<string, unknown>[] }
    expect(data.grants).toHaveLength(1)
    const grant = data.grants[0]!
    const payments = await t.database.db.selectFrom('grantPayments').select('amountPence').execute()
    const paid = payments.reduce((s, p) => s + Number(p.amountPence), 0) / 100
    expect(grant.amountDisbursed).toBe(paid)
    expect((grant.disbursementTransaction as { value: number }[]).reduce((s, p) => s + p.value, 0)).toBe(paid)
    expect(grant.recipientOrganization).toEqual([
      expect.objectContaining({ id: 'GB-COH-01234567', name: 'Birch Care Ltd' }),
    ])
    expect(grant.fundingOrganization).toEqual([{ id: 'GB-LAE-BDG', name: 'Barking and Dagenham Council' }])
    expect(grant.awardDate).toBe('2020-04-14')
  })
})
