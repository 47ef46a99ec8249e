import { load } from 'cheerio'
import { expect } from 'vitest'
import {
  createLocation,
  createOrganisation,
  createProvider,
  createUser,
} from '../../../test/support/factories.ts'
import { type TestApp, TestClient } from '../../../test/support/test-app.ts'
import type { Db } from '../../db/database.ts'

// What the API's integration tests share: two providers with their managers and homes, a council
// officer, and ways to sign in, make a token on the web page and call the API.

export type Problem = {
  type: string
  title: string
  status: number
  detail: string
  errors?: { field: string; pointer: string; message: string }[]
}

export async function seedApiFixtures(
  db: Db,
  ids: Record<string, string>,
  emails: Record<string, string>,
  cqc: Record<string, string>,
) {
  ids.council = await createOrganisation(db, 'council', 'API Council', { onsCode: 'E10000071' })
  ids.providerA = await createProvider(db, 'Alpha Care Ltd')
  ids.providerB = await createProvider(db, 'Beta Care Ltd')
  ids.providerOrgA = await createOrganisation(db, 'provider', 'Alpha Care Ltd', {
    providerId: ids.providerA,
  })
  ids.providerOrgB = await createOrganisation(db, 'provider', 'Beta Care Ltd', {
    providerId: ids.providerB,
  })
  for (const [key, provider, name] of [
    ['homeA', ids.providerA, 'Rowan House'],
    ['homeA2', ids.providerA, 'Hazel Court'],
    ['homeA3', ids.providerA, 'Willow Lodge'],
    ['homeB', ids.providerB, 'Elm Lodge'],
  ] as const) {
    ids[key] = await createLocation(db, provider!, ids.council, { name, beds: 40 })
    cqc[key] = (
      await db
        .selectFrom('locations')
        .select('cqcLocationId')
        .where('id', '=', ids[key]!)
        .executeTakeFirstOrThrow()
    ).cqcLocationId!
  }
  // A home care agency: it reports weekly.
  ids.agencyA = await createLocation(db, ids.providerA!, ids.council, {
    name: 'Birch Home Care',
    serviceType: 'home_care',
  })
  for (const [key, org, role] of [
    ['managerA', ids.providerOrgA, 'provider_manager'],
    ['managerB', ids.providerOrgB, 'provider_manager'],
    ['officer', ids.council, 'council_officer'],
  ] as const) {
    const user = await createUser(db, org!, role)
    ids[key] = user.id
    emails[key] = user.email
  }
}

// `app()` is the test's app, built in its beforeAll.
export function apiHelpers(app: () => TestApp, emails: Record<string, string>) {
  const signedIn = async (who: string) => {
    const client = new TestClient(app().app)
    await client.signIn(emails[who]!)
    return client
  }

  // Makes a token the way a provider manager does, on the web page, and returns it.
  const createToken = async (who: string, name: string) => {
    const client = await signedIn(who)
    await client.get('/api-tokens')
    const created = await client.post('/api-tokens', { name })
    expect(created.statusCode).toBe(200)
    return load(created.body)('#api-token').text().trim()
  }

  const api = (
    method: 'GET' | 'POST',
    url: string,
    options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
  ) =>
    app().app.inject({
      method,
      url,
      headers: {
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...options.headers,
      },
      ...(options.body !== undefined ? { payload: JSON.stringify(options.body) } : {}),
    })

  const returnsAt = (locationId: string) =>
    app()
      .database.db.selectFrom('situationReturns')
      .select(['id', 'periodStart', 'version', 'source', 'values', 'submittedBy'])
      .where('locationId', '=', locationId)
      .orderBy('periodStart')
      .orderBy('version')
      .execute()

  return { signedIn, createToken, api, returnsAt }
}
