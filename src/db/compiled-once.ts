import { type Compilable, CompiledQuery } from 'kysely'

// A query that Kysely builds and compiles once, then runs again with each call's values. Building and
// compiling a big query (joins, a lateral subquery, the camel-case plugin's pass over the tree) costs
// the app more CPU than PostgreSQL spends running it, and the morning peak runs the same few shapes
// thousands of times a second (issue 27). The query is built with a marker in place of each named
// value; the markers found among the compiled parameters say which parameter takes which value (every
// other parameter is a constant of the shape). A name whose marker is not a parameter of its own (it
// went into the SQL text, or was changed on the way) makes the query unusable, so that is refused.

const marker = (name: string) => `\u0000carehub:${name}\u0000`

// A statement compiled on its own (say, another capability's), put into the query's text in place of
// `at` (a raw text of the query with no parameters), its parameters numbered first.
export type Inserted = { at: string; query: CompiledQuery }

export type CompiledOnce<Name extends string> = {
  // The query with these values (and, with `insert`, that statement in place), as `build` made it.
  with: (values: Record<Name, unknown>, insert?: Inserted) => CompiledQuery
}

export function compiledOnce<Name extends string>(
  names: readonly Name[],
  build: (markers: Record<Name, string>) => Compilable<unknown>,
): CompiledOnce<Name> {
  let shape: { sql: string; parameters: ({ name: Name } | { constant: unknown })[] } | null = null
  const numbered = new Map<number, string>()
  function compiled() {
    if (shape) return shape
    const markers = Object.fromEntries(names.map((n) => [n, marker(n)])) as Record<Name, string>
    const query = build(markers).compile()
    const byMarker = new Map<unknown, Name>(names.map((n) => [marker(n), n]))
    const parameters = query.parameters.map((p) => {
      const name = byMarker.get(p)
      return name === undefined ? { constant: p } : { name }
    })
    for (const n of names)
      if (!parameters.some((p) => 'name' in p && p.name === n) || query.sql.includes(marker(n)))
        throw new Error(`compiledOnce: the value ${n} is not a parameter of the query`)
    shape = { sql: query.sql, parameters }
    return shape
  }
  return {
    with(values, insert) {
      const { sql, parameters } = compiled()
      const own = parameters.map((p) => ('name' in p ? values[p.name] : p.constant))
      if (!insert) return CompiledQuery.raw(sql, own)
      const after = insert.query.parameters.length
      let text = numbered.get(after)
      if (text === undefined) {
        // Kysely numbers parameters $1, $2, … and these texts hold no other `$` followed by digits.
        text = sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + after}`)
        if (!text.includes(insert.at)) throw new Error(`compiledOnce: no ${insert.at} in the query`)
        numbered.set(after, text)
      }
      return CompiledQuery.raw(text.replace(insert.at, () => insert.query.sql), [
        ...insert.query.parameters,
        ...own,
      ])
    },
  }
}
