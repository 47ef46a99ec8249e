import type { Db } from '../../src/db/database.ts'
import type { ServiceType } from '../../src/domain/service-types.ts'
import { demoTwoStepKey } from '../../src/db/seed/demo-two-step.ts'
import { hashPassword } from '../../src/modules/access/credentials.ts'
import { setUpTwoStepWithKey, twoStepRequired } from '../../src/modules/access/index.ts'

export const testPassword = 'correct horse battery staple'
// The service secret of the test apps (test-app.ts), which seals the two-step key; and the key itself,
// the demo's, so that TestClient.signIn can give the code for test and demo users alike.
export const testCookieSecret = 'test-cookie-secret-of-at-least-32-chars'
export const testTwoStepKey = demoTwoStepKey
let cachedHash: Promise<string> | null = null
const passwordHash = () => {
  cachedHash ??= hashPassword(testPassword)
  return cachedHash
}

let sequence = 0
const next = () => ++sequence

export async function createOrganisation(
  db: Db,
  kind: string,
  name = `${kind} ${next()}`,
  extra: { onsCode?: string; providerId?: string } = {},
) {
  const row = await db
    .insertInto('organisations')
    .values({
      name,
      kind,
      onsCode: extra.onsCode ?? null,
      providerId: extra.providerId ?? null,
      odsCode: null,
      createdAt: new Date(),
      updatedAt: new Date(),
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

export async function linkPartner(db: Db, partnerId: string, councilId: string) {
  await db.insertInto('partnerCouncils').values({ partnerId, councilId }).execute()
}

export async function createProvider(db: Db, name = `Provider ${next()}`) {
  const row = await db
    .insertInto('providers')
    .values({
      name,
      cqcProviderId: `1-${900000 + next()}`,
      companiesHouseNumber: null,
      ownership: 'Private',
      createdAt: new Date(),
      updatedAt: new Date(),
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

export async function createLocation(
  db: Db,
  providerId: string,
  councilId: string | null,
  extra: { serviceType?: ServiceType; beds?: number; contractedBy?: string[]; name?: string } = {},
) {
  const n = next()
  const row = await db
    .insertInto('locations')
    .values({
      providerId,
      councilId,
      cqcLocationId: `1-${800000 + n}`,
      odsCode: null,
      name: extra.name ?? `Location ${n}`,
      addressLine1: `${n} High Street`,
      addressLine2: null,
      town: 'Testtown',
      postcode: 'TE1 1ST',
      localAuthorityName: null,
      area: 'North',
      serviceType: extra.serviceType ?? 'care_home_residential',
      registeredBeds: extra.beds ?? 30,
      peopleSupported: null,
      cqcRating: 'Good',
      cqcRatingDate: '2019-05-01',
      registrationStart: '2015-01-01',
      registrationEnd: null,
      bcpReviewedOn: null,
      nhsmail: true,
      createdAt: new Date(),
      updatedAt: new Date(),
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  // Open since its registration, as the status history says: returns are expected from it.
  await db
    .insertInto('locationStatusEvents')
    .values({
      locationId: row.id,
      status: 'open',
      effectiveFrom: '2015-01-01',
      source: 'test',
      importId: null,
      recordedBy: null,
      recordedAt: new Date(),
    })
    .execute()
  for (const councilIdContract of extra.contractedBy ?? []) {
    await db
      .insertInto('councilContracts')
      .values({ councilId: councilIdContract, locationId: row.id, createdAt: new Date() })
      .execute()
  }
  return row.id
}

export async function createUser(
  db: Db,
  organisationId: string,
  role: string,
  email = `user${next()}@test.example`,
  // Two-step sign-in is set up with the test key for the roles that need it, unless `twoStep: false`.
  options: { twoStep?: boolean; cookieSecret?: string } = {},
) {
  const row = await db
    .insertInto('users')
    .values({
      email,
      displayName: `Test ${role}`,
      role,
      organisationId,
      passwordHash: await passwordHash(),
      status: 'active',
      createdAt: new Date(),
      updatedAt: new Date(),
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  if (options.twoStep ?? twoStepRequired(role)) {
    const cookieSecret = options.cookieSecret ?? testCookieSecret
    await setUpTwoStepWithKey(db, { userId: row.id, key: testTwoStepKey, cookieSecret, now: new Date() })
  }
  return { id: row.id, email }
}
