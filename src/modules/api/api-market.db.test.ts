import { load } from 'cheerio'
import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { actorFor } from '../../../test/support/actors.ts'
import { calm as fullReturn } from '../../../test/support/risk-market.ts'
import { buildTestApp, type TestApp } from '../../../test/support/test-app.ts'
import { engines } from '../../../test/support/test-database.ts'
import { tokenHash } from '../access/index.ts'
import type { Problem } from './api.test-support.ts'
import { marketHelpers, seedMarket } from './api-market.test-support.ts'

type Page = {
  items: { id: string; locationName: string }[]
  nextCursor: string | null
  hasMore: boolean
  links: { next?: string }
}

// The read API for councils and partners (issue 19): a partner's and a council's tokens read their
// market, in the pages' scope, as JSON and CSV; returns a page at a time by cursor; revocation; the
// rate limit per token.
describe.each(engines)('the read API for councils and partners on %s', (engine) => {
  let t: TestApp
  const ids: Record<string, string> = {}
  const emails: Record<string, string> = {}
  const cqc: Record<string, string> = {}
  const rateLimit = 25

  const { signedIn, createToken, get, submitDay, aprilReturnsInMarket } = marketHelpers(() => t, ids, emails)

  beforeAll(async () => {
    t = await buildTestApp(engine, { API_READ_RATE_LIMIT: String(rateLimit) })
    await seedMarket(t, ids, emails, cqc)
    t.clock.set(new Date('2020-04-08T12:00:00Z'))
  }, 180_000)

  afterAll(async () => {
    await t?.close()
  })

  it('lets a partner’s officer make a token on the page, audited, with which it reads its own market', async () => {
    const token = await createToken('partner', 'Power BI')
    const tokenRow = await t.database.db
      .selectFrom('apiTokens')
      .select(['id', 'providerId', 'organisationId', 'role', 'tokenHash'])
      .where('tokenHash', '=', tokenHash(token))
      .executeTakeFirstOrThrow()
    expect(tokenRow).toMatchObject({ providerId: null, organisationId: ids.ccg, role: 'partner_officer' })
    const audit = await t.database.db
      .selectFrom('auditEvents')
      .select(['action', 'actorUserId'])
      .where('entityId', '=', tokenRow.id)
      .execute()
    expect(audit).toEqual([{ action: 'api-token-created', actorUserId: ids.partner }])

    const locations = await get('/api/v1/market/locations', token)
    expect(locations.statusCode).toBe(200)
    const items = (locations.json() as { items: { name: string; rag: string; openAlerts: number }[] }).items
    expect(items.map((l) => l.name)).toEqual(['Alder House', 'Aspen Court', 'Border View'])
    expect(items[0]).toMatchObject({ rag: 'red', openAlerts: 1 })
    expect(items[1]).toMatchObject({ rag: 'green', openAlerts: 0 })

    const one = await get(`/api/v1/market/locations/${cqc.alder}`, token)
    expect(one.statusCode).toBe(200)
    expect(one.json()).toMatchObject({ id: ids.alder, name: 'Alder House', rag: 'red' })

    const alerts = (await get('/api/v1/market/alerts', token)).json() as { items: { title: string }[] }
    expect(alerts.items.map((a) => a.title)).toEqual(['Staff walked out'])
    const cases = (await get('/api/v1/market/cases', token)).json() as {
      items: { locationName: string; worstSeverity: string; openAlerts: number }[]
    }
    expect(cases.items).toEqual([
      expect.objectContaining({ locationName: 'Alder House', worstSeverity: 'red', openAlerts: 1 }),
    ])

    const completeness = await get('/api/v1/market/completeness?date=2020-04-03', token)
    expect(completeness.statusCode).toBe(200)
    const daily = (
      completeness.json() as {
        periods: { frequency: string; expected: number; onTime: number; missing: number }[]
      }
    ).periods.find((p) => p.frequency === 'daily')
    expect(daily).toMatchObject({ expected: 3, onTime: 3, missing: 0 })
    const missingDay = (await get('/api/v1/market/completeness?date=2020-04-04', token)).json() as {
      periods: { frequency: string; missing: number; missingLocationIds: string[] }[]
    }
    expect(missingDay.periods[0]).toMatchObject({ frequency: 'daily', missing: 3 })
    expect(missingDay.periods[0]!.missingLocationIds.sort()).toEqual(
      [ids.alder, ids.aspen, ids.border].sort(),
    )

    // Its last use is shown on the page.
    const page = load((await (await signedIn('partner')).get('/api-tokens')).body)
    const row = page('tbody tr').filter((_, el) => page(el).text().includes('Power BI'))
    expect(row.text()).not.toContain('Never')
    expect(row.text()).toContain('Partner officer')
  })

  it('answers 404 for another council’s location, by id or CQC ID, and lists nothing of it', async () => {
    const token = await createToken('officerA', 'Warehouse')
    for (const reference of [ids.birch!, cqc.birch!]) {
      const response = await get(`/api/v1/market/locations/${reference}`, token)
      expect(response.statusCode).toBe(404)
      expect(response.headers['content-type']).toContain('application/problem+json')
      expect(response.body).not.toContain('Birch')
    }
    expect((await get(`/api/v1/market/locations/${ids.border}`, token)).statusCode).toBe(200)
    for (const list of ['locations', 'alerts', 'cases', 'returns?from=2020-04-01&to=2020-04-30']) {
      const response = await get(`/api/v1/market/${list}`, token)
      expect(response.statusCode, list).toBe(200)
      expect(response.body, list).not.toContain('Birch')
    }
    // Council B's officer sees Birch Lodge, and Border View in its own area.
    const tokenB = await createToken('officerB', 'Southmoor warehouse')
    const southern = (await get('/api/v1/market/locations', tokenB)).json() as { items: { name: string }[] }
    expect(southern.items.map((l) => l.name)).toEqual(['Birch Lodge', 'Border View'])
  })

  it('keeps the market from a provider’s token, and returns from a market token', async () => {
    const client = await signedIn('manager1')
    await client.get('/api-tokens')
    const providerToken = load((await client.post('/api-tokens', { name: 'Care records' })).body)(
      '#api-token',
    )
      .text()
      .trim()
    expect((await get('/api/v1/market/locations', providerToken)).statusCode).toBe(403)
    expect((await get(`/api/v1/market/locations/${ids.alder}`, providerToken)).statusCode).toBe(404)

    const marketToken = await createToken('partner', 'Read only')
    const before = await t.database.db.selectFrom('situationReturns').select('id').execute()
    const sent = await t.app.inject({
      method: 'POST',
      url: '/api/v1/returns',
      headers: { authorization: `Bearer ${marketToken}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ locationId: ids.alder, values: {} }),
    })
    expect(sent.statusCode).toBe(403)
    expect((sent.json() as Problem).type).toContain('#forbidden')
    expect(await t.database.db.selectFrom('situationReturns').select('id').execute()).toEqual(before)
  })

  it('pages through a month’s returns by cursor, each exactly once, while new returns arrive', async () => {
    const token = await createToken('partner', 'Paging')
    t.clock.set(new Date('2020-04-08T12:00:00Z'))
    const seen: string[] = []
    let url: string | undefined = '/api/v1/market/returns?from=2020-04-01&to=2020-04-30&limit=4'
    let pages = 0
    while (url) {
      const response = await get(url, token)
      expect(response.statusCode, url).toBe(200)
      const page = response.json() as Page
      seen.push(...page.items.map((r) => r.id))
      expect(page.items.length).toBeLessThanOrEqual(4)
      expect(response.headers.link ?? undefined).toBe(
        page.links.next ? `<${page.links.next}>; rel="next"` : undefined,
      )
      url = page.links.next
      pages++
      // Returns arrive while the client pages: new days, in and out of the market, and an amendment.
      if (pages === 1) {
        await submitDay('2020-04-08', ['aspen', 'birch', 'border'])
        t.clock.set(new Date('2020-04-08T12:00:00Z'))
      }
      if (pages === 2) {
        // (By now the client has read 2 April's returns.) Alder House's is amended: its new version
        // comes later; the version already read is not listed again.
        t.clock.set(new Date('2020-04-08T13:00:00Z'))
        const manager = await actorFor(t.database.db, ids.manager1!)
        const amended = await t.services.returns.submit(
          manager,
          ids.alder!,
          { ...fullReturn, residents: '37' },
          { periodStart: '2020-04-02', amendmentReason: 'One resident moved out' },
        )
        expect(amended.ok).toBe(true)
        await submitDay('2020-04-09', ['alder', 'border'])
        t.clock.set(new Date('2020-04-09T12:00:00Z'))
      }
      expect(pages).toBeLessThan(20)
    }
    expect(new Set(seen).size).toBe(seen.length)
    // Every current return of April in the market, including those that arrived while paging, and the
    // first version of the amended return, read before it was replaced.
    const replaced = await t.database.db
      .selectFrom('situationReturns')
      .select('id')
      .where('locationId', '=', ids.alder!)
      .where('periodStart', '=', '2020-04-02')
      .where('isCurrent', '=', false)
      .execute()
    expect(replaced).toHaveLength(1)
    expect([...seen].sort()).toEqual(
      [...(await aprilReturnsInMarket()).map((r) => r.id), replaced[0]!.id].sort(),
    )
    // 5 days of 3 locations, 2 on 8 April and 2 on 9 April in the market, and the amendment.
    expect(seen.length).toBe(15 + 2 + 2 + 1)

    // Carrying on later from the last cursor gives only what was saved since.
    const last = (
      await get('/api/v1/market/returns?from=2020-04-01&to=2020-04-30&limit=1000', token)
    ).json() as Page
    expect(last.hasMore).toBe(false)
    await submitDay('2020-04-10', ['aspen'])
    // Saved this instant: not listed until it has settled (its save might not have committed yet).
    const unsettled = `/api/v1/market/returns?from=2020-04-01&to=2020-04-30&cursor=${last.nextCursor}`
    expect(((await get(unsettled, token)).json() as Page).items).toEqual([])
    t.clock.set(new Date('2020-04-10T12:00:00Z'))
    const since = (
      await get(`/api/v1/market/returns?from=2020-04-01&to=2020-04-30&cursor=${last.nextCursor}`, token)
    ).json() as Page
    expect(since.items.map((r) => r.locationName)).toEqual(['Aspen Court'])

    const bad = await get('/api/v1/market/returns?from=2020-04-01&to=2020-04-30&cursor=nonsense', token)
    expect(bad.statusCode).toBe(400)
    expect((bad.json() as Problem).errors?.map((e) => e.field)).toEqual(['cursor'])
    const noDates = await get('/api/v1/market/returns', token)
    expect(noDates.statusCode).toBe(400)
    expect((noDates.json() as Problem).errors?.map((e) => e.field)).toEqual(['from', 'to'])
  })

  it('gives CSV that opens back with the right rows, and neutralises formulas', async () => {
    t.clock.set(new Date('2020-04-11T09:00:00Z'))
    const manager = await actorFor(t.database.db, ids.manager1!)
    const outcome = await t.services.returns.submit(manager, ids.alder!, {
      ...fullReturn,
      concerns: '=HYPERLINK("http://evil.example","Click")',
    })
    expect(outcome.ok).toBe(true)
    t.clock.set(new Date('2020-04-11T12:00:00Z'))
    const token = await createToken('partner', 'Spreadsheet')

    const file = await get(
      '/api/v1/market/returns?from=2020-04-01&to=2020-04-30&limit=1000&format=csv',
      token,
    )
    expect(file.statusCode).toBe(200)
    expect(file.headers['content-type']).toContain('text/csv')
    const rows = parse(file.body, { columns: true }) as Record<string, string>[]
    const expected = await t.database.db
      .selectFrom('situationReturns')
      .innerJoin('locations', 'locations.id', 'situationReturns.locationId')
      .select(['situationReturns.id', 'locations.name', 'situationReturns.periodStart'])
      .where('isCurrent', '=', true)
      .where('situationReturns.locationId', 'in', [ids.alder!, ids.aspen!, ids.border!])
      .execute()
    expect(rows.map((r) => r.id).sort()).toEqual(expected.map((r) => r.id).sort())
    const evil = rows.find((r) => r.id === (outcome.ok ? outcome.returnId : ''))!
    expect(evil).toMatchObject({ locationName: 'Alder House', periodStart: '2020-04-11', residents: '38' })
    expect(evil.concerns).toBe('\'=HYPERLINK("http://evil.example","Click")')
    // A nil return's reason and details follow the return's own columns: empty for this one.
    const header = Object.keys(evil)
    expect(header.slice(header.indexOf('datasetVersion') + 1, header.indexOf('datasetVersion') + 3)).toEqual([
      'nilReason',
      'nilDetails',
    ])
    expect(evil).toMatchObject({ nilReason: '', nilDetails: '' })
    expect(rows.every((r) => r.locationName !== 'Birch Lodge')).toBe(true)

    const locations = await get('/api/v1/market/locations', token, { accept: 'text/csv' })
    expect(locations.headers['content-type']).toContain('text/csv')
    const locationRows = parse(locations.body, { columns: true }) as Record<string, string>[]
    expect(locationRows.map((r) => [r.name, r.rag])).toEqual([
      ['Alder House', 'red'],
      ['Aspen Court', 'green'],
      ['Border View', 'green'],
    ])
    const cases = parse((await get('/api/v1/market/cases?format=csv', token)).body, {
      columns: true,
    }) as Record<string, string>[]
    expect(cases.map((c) => c.locationName)).toEqual(['Alder House'])
    const completeness = parse(
      (await get('/api/v1/market/completeness?date=2020-04-03&format=csv', token)).body,
      {
        columns: true,
      },
    ) as Record<string, string>[]
    expect(completeness[0]).toMatchObject({
      frequency: 'daily',
      groupBy: 'overall',
      expected: '3',
      onTime: '3',
    })
  })

  it('answers 401 once the token is revoked on the page (audited), and its row says so', async () => {
    const token = await createToken('partner', 'To revoke')
    expect((await get('/api/v1/market/locations', token)).statusCode).toBe(200)
    const tokenId = (
      await t.database.db
        .selectFrom('apiTokens')
        .select('id')
        .where('tokenHash', '=', tokenHash(token))
        .executeTakeFirstOrThrow()
    ).id
    // Another organisation's officer cannot revoke it.
    const officer = await signedIn('officerA')
    await officer.get('/api-tokens')
    expect((await officer.post(`/api-tokens/${tokenId}/revoke`, {})).statusCode).toBe(404)
    expect((await get('/api/v1/market/locations', token)).statusCode).toBe(200)

    const partner = await signedIn('partner')
    await partner.get('/api-tokens')
    const revoked = await partner.post(`/api-tokens/${tokenId}/revoke`, {})
    expect(revoked.statusCode).toBe(302)
    const page = load((await partner.get(revoked.headers.location!)).body)
    expect(page('.govuk-notification-banner').text()).toContain('To revoke')
    const after = await get('/api/v1/market/locations', token)
    expect(after.statusCode).toBe(401)
    expect((after.json() as Problem).type).toContain('#unauthenticated')
    const audit = await t.database.db
      .selectFrom('auditEvents')
      .select('action')
      .where('entityId', '=', tokenId)
      .orderBy('occurredAt')
      .execute()
    expect(audit.map((a) => a.action)).toEqual(['api-token-created', 'api-token-revoked'])

    // A token stops when its creator no longer holds the role it was made with.
    const second = await createToken('officerA', 'Role change')
    expect((await get('/api/v1/market/alerts', second)).statusCode).toBe(200)
    await t.database.db.updateTable('users').set({ role: 'viewer' }).where('id', '=', ids.officerA!).execute()
    expect((await get('/api/v1/market/alerts', second)).statusCode).toBe(401)
    await t.database.db
      .updateTable('users')
      .set({ role: 'council_officer' })
      .where('id', '=', ids.officerA!)
      .execute()
  })

  it('limits each token’s requests a minute: 429 with Retry-After, and another token is not held up', async () => {
    const busy = await createToken('partner', 'Busy')
    const calm = await createToken('partner', 'Calm')
    for (let i = 0; i < rateLimit; i++)
      expect((await get('/api/v1/market/alerts', busy)).statusCode, `request ${i + 1}`).toBe(200)
    const refused = await get('/api/v1/market/alerts', busy)
    expect(refused.statusCode).toBe(429)
    expect(refused.headers['retry-after']).toBeDefined()
    expect(refused.headers['content-type']).toContain('application/problem+json')
    expect((refused.json() as Problem).type).toContain('#too-many-requests')
    expect((await get('/api/v1/market/alerts', calm)).statusCode).toBe(200)
  })
})
