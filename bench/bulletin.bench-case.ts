import { sql } from 'kysely'
import type { Db } from '../src/db/database.ts'
import { everyone, queueBulletin } from '../src/modules/bulletins/index.ts'
import type { BenchCase } from './bench-case.ts'

type Params = { locations: number }
type State = { locations: number; bulletinId: string }

const now = new Date('2020-04-14T08:00:00Z')

// Issue 25, criterion 6: a bulletin to every provider of a market of 27,000 locations, each location's
// provider with a manager: the recipients resolved from the audience and one e-mail each queued in the
// outbox (the send an officer's "Send now" does). Seeded before the clock: the market and the draft.
export const bulletinCase: BenchCase<Params, Params, State> = {
  id: 'bulletin-queue',

  async prepare(params) {
    return { input: params, facts: { locations: params.locations, usersPerLocation: 1 } }
  },

  async load(input) {
    return { locations: input.locations, bulletinId: '' }
  },

  async setup(db, state) {
    const council = await db
      .insertInto('organisations')
      .values({
        name: 'Bench County Council',
        kind: 'council',
        onsCode: 'E10009999',
        odsCode: null,
        providerId: null,
        createdAt: now,
        updatedAt: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await sql`insert into providers (id, name, created_at, updated_at)
      select md5('p' || n)::uuid, 'Provider ' || n, ${now}, ${now} from generate_series(1, ${state.locations}) n`.execute(
      db,
    )
    await sql`insert into organisations (id, name, kind, provider_id, created_at, updated_at)
      select md5('o' || n)::uuid, 'Provider ' || n, 'provider', md5('p' || n)::uuid, ${now}, ${now}
      from generate_series(1, ${state.locations}) n`.execute(db)
    await sql`insert into locations (provider_id, name, council_id, area, service_type, created_at, updated_at)
      select md5('p' || n)::uuid, 'Location ' || n, ${council.id}, 'Area ' || (n % 12), 'home_care', ${now}, ${now}
      from generate_series(1, ${state.locations}) n`.execute(db)
    await sql`insert into users (email, display_name, role, organisation_id, status, created_at, updated_at)
      select 'manager' || n || '@bench.example', 'Manager ' || n, 'provider_manager', md5('o' || n)::uuid, 'active', ${now}, ${now}
      from generate_series(1, ${state.locations}) n`.execute(db)
    const bulletin = await db
      .insertInto('bulletins')
      .values({
        councilId: council.id,
        title: 'PPE: how to order from the council’s emergency stock',
        body: '# Emergency PPE\n\nIf you have **less than 3 days** of any item, [order now](https://ppe.example/order).',
        audience: JSON.stringify(everyone),
        status: 'sending',
        createdAt: now,
        updatedAt: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await sql`analyze`.execute(db)
    state.bulletinId = bulletin.id
  },

  async run(db: Db, state) {
    const recipients = await queueBulletin(db, state.bulletinId, now, { baseUrl: 'https://carehub.example' })
    return { recipients, bulletinId: state.bulletinId }
  },

  async verify(db, details) {
    const { rows } = await sql<{ messages: string; addresses: string; users: string }>`
      select count(*) as messages, count(distinct to_address) as addresses,
        (select count(*) from users where role = 'provider_manager') as users
      from outbox_messages where dedupe_key like ${`bulletin:${details.bulletinId}:%`}`.execute(db)
    const figures = {
      messages: Number(rows[0]!.messages),
      addresses: Number(rows[0]!.addresses),
      users: Number(rows[0]!.users),
    }
    if (figures.messages !== figures.users || figures.addresses !== figures.users)
      throw new Error(
        `expected one message to each of ${figures.users} users, found ${JSON.stringify(figures)}`,
      )
    return { oneMessageEach: true, ...figures }
  },
}
