import {
  CamelCasePlugin,
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  sql,
} from 'kysely'
import { describe, expect, it } from 'vitest'
import { compiledOnce } from './compiled-once.ts'
import type { Database } from './schema.ts'

// Compiles only (no database): the same dialect and plugin as CareHub's databases.
const db = new Kysely<Database>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (k) => new PostgresIntrospector(k),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
  plugins: [new CamelCasePlugin()],
})

const byProvider = (providerId: string, name: string) =>
  db
    .selectFrom('locations')
    .select(['locations.id', 'locations.serviceType'])
    .where('locations.providerId', '=', providerId)
    .where('locations.status', '=', 'open')
    .where('locations.name', '=', name)
    .limit(1)

describe('compiledOnce', () => {
  it('gives the text and parameters the builder gives, for any values', () => {
    const query = compiledOnce(['providerId', 'name'], (m) => byProvider(m.providerId, m.name))
    for (const [providerId, name] of [
      ['p-1', 'Meadow View'],
      ['p-2', "O'Neill House"],
    ] as const) {
      const built = byProvider(providerId, name).compile()
      const reused = query.with({ providerId, name })
      expect(reused.sql).toBe(built.sql)
      expect(reused.parameters).toEqual(built.parameters)
    }
  })

  it('puts another statement in place, its parameters first', () => {
    const at = '/* claim */ select 1'
    const query = compiledOnce(['name'], (m) =>
      db
        .with('claim', () => sql<Record<string, never>>`(${sql.raw(at)})`)
        .selectFrom('locations')
        .select('locations.id')
        .where('locations.name', '=', m.name)
        .where(sql<boolean>`exists (select 1 from claim)`),
    )
    const claim = sql`select ${'k-1'} as key where ${'t-1'} is not null`.compile(db)
    const built = query.with({ name: 'Meadow View' }, { at, query: claim })
    expect(built.sql).toContain('select $1 as key where $2 is not null')
    expect(built.sql).toContain('"name" = $3')
    expect(built.parameters).toEqual(['k-1', 't-1', 'Meadow View'])
  })

  it('refuses a value that does not become a parameter of its own', () => {
    const query = compiledOnce(['column'], (m) =>
      db.selectFrom('locations').select(sql.ref(m.column).as('x')),
    )
    expect(() => query.with({ column: 'name' })).toThrow(/not a parameter/)
  })
})
