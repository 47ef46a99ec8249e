import { load } from 'cheerio'
import {
  createLocation,
  createOrganisation,
  createProvider,
  createUser,
} from '../../../../test/support/factories.ts'
import { fullReturn } from '../../../../test/support/returns.fixture.ts'
import type { Db } from '../../../db/database.ts'
import { currentDataset, templateColumns } from '../domain/dataset.ts'

// What the upload tests (returns-upload.db.test.ts) upload, and to whom: the files and the people.

// The same for a home-care agency: no beds or residents, visits instead.
export const homeCareReturn: Record<string, string> = {
  ...Object.fromEntries(
    Object.entries(fullReturn).filter(
      ([k]) =>
        !['residents', 'bedsAvailable', 'bedsOccupied', 'closedToAdmissions', 'canAcceptDischarges'].includes(
          k,
        ),
    ),
  ),
  peopleSupported: '120',
  hoursDelivered: '900',
  visitsMissed: '4',
  capacityForNewPackages: 'no',
}

export const keys = templateColumns(currentDataset).map((c) => c.key)
export const header = ['cqcLocationId', 'locationName', 'periodStart', ...keys]
export const csvRow = (
  cqcLocationId: string,
  values: Record<string, string>,
  extra: Record<string, string> = {},
) =>
  Object.fromEntries([['cqcLocationId', cqcLocationId], ...Object.entries(values), ...Object.entries(extra)])

// The problems table of a refused upload, row by row.
export const problemsIn = (html: string) => {
  const $ = load(html)
  return $('#problems + table tbody tr')
    .map((_, tr) => [
      $(tr)
        .find('td')
        .map((__, td) => $(td).text().trim())
        .get(),
    ])
    .get()
    .map(([row, column, message]) => ({
      row: Number(row),
      column: (column as string).replace(/\s*\(column [A-Z]+\)$/, ''),
      message,
    }))
}
// A council, a chain of 500 care homes (its template's order: by name), a small provider with two homes
// and a home-care agency, another provider's home, and their people.
export async function seedUploadTestData(db: Db) {
  const ids: Record<string, string> = {}
  const emails: Record<string, string> = {}
  const cqcIdOf: Record<string, string> = {}
  let chain: { id: string; cqcLocationId: string; name: string }[] = []
  ids.council = await createOrganisation(db, 'council', 'Upload Council', { onsCode: 'E10000071' })
  ids.chain = await createProvider(db, 'Big Chain Care Ltd')
  ids.chainOrg = await createOrganisation(db, 'provider', 'Big Chain Care Ltd', { providerId: ids.chain })
  ids.small = await createProvider(db, 'Small Care Ltd')
  ids.smallOrg = await createOrganisation(db, 'provider', 'Small Care Ltd', { providerId: ids.small })
  ids.other = await createProvider(db, 'Other Care Ltd')
  // 500 locations in one insert: the factory would take 500 round trips.
  const now = new Date()
  chain = await db
    .insertInto('locations')
    .values(
      Array.from({ length: 500 }, (_, i) => ({
        providerId: ids.chain!,
        councilId: ids.council!,
        cqcLocationId: `1-${700000000 + i}`,
        odsCode: null,
        name: `Chain Home ${String(i + 1).padStart(3, '0')}`,
        addressLine1: `${i + 1} Chain Street`,
        addressLine2: null,
        town: 'Testtown',
        postcode: 'TE1 1ST',
        localAuthorityName: null,
        area: 'North',
        serviceType: 'care_home_residential',
        registeredBeds: 40,
        peopleSupported: null,
        cqcRating: 'Good',
        cqcRatingDate: '2019-05-01',
        registrationStart: '2015-01-01',
        registrationEnd: null,
        bcpReviewedOn: null,
        nhsmail: true,
        createdAt: now,
        updatedAt: now,
      })),
    )
    .returning(['id', 'cqcLocationId', 'name'])
    .execute()
    .then((rows) =>
      rows
        .map((r) => ({ id: r.id, cqcLocationId: r.cqcLocationId!, name: r.name }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    )
  for (const [key, provider, extra] of [
    ['rowan', ids.small, { name: 'Rowan House', beds: 40 }],
    ['willow', ids.small, { name: 'Willow Court', beds: 40 }],
    ['agency', ids.small, { name: 'Hazel Home Care', serviceType: 'home_care' as const }],
    ['elm', ids.other, { name: 'Elm Lodge', beds: 20 }],
  ] as const) {
    ids[key] = await createLocation(db, provider!, ids.council!, extra)
    cqcIdOf[key] = (
      await db
        .selectFrom('locations')
        .select('cqcLocationId')
        .where('id', '=', ids[key]!)
        .executeTakeFirstOrThrow()
    ).cqcLocationId!
  }
  emails.chainManager = (await createUser(db, ids.chainOrg, 'provider_manager')).email
  emails.smallManager = (await createUser(db, ids.smallOrg, 'provider_manager')).email
  emails.officer = (await createUser(db, ids.council, 'council_officer')).email
  emails.viewer = (await createUser(db, ids.council, 'viewer')).email
  return { ids, emails, chain, cqcIdOf }
}
