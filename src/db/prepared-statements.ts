import { createHash } from 'node:crypto'
import type pg from 'pg'

// PostgreSQL parses and plans every unnamed statement afresh. The statements CareHub sends again and
// again (a return's INSERT, the token lookup, the risk recompute) are worth preparing once per
// connection instead: from the second time a text is seen it is sent as a named statement, and each
// connection parses it only the first time it runs it. Only reads and writes are named (not transaction
// control or DDL), only texts up to `maxLength` (a bulk load's 500-row statements gain nothing from
// it, and remembering their texts cost the CQC import time and memory), and only the first `maxNamed`
// texts, so the server's per-connection memory stays bounded. Needs session-level connections: a transaction-pooling proxy in front of PostgreSQL would
// have to be configured to keep prepared statements.

const maxNamed = 500
const maxCounted = 20_000
const maxLength = 8_000
const nameable = /^\s*(?:select|insert|update|delete|with)\b/i

export function prepareRepeatedStatements(pool: pg.Pool): void {
  const seen = new Map<string, number>()
  const names = new Map<string, string>()

  function nameFor(text: string): string | undefined {
    const known = names.get(text)
    if (known || names.size >= maxNamed || text.length > maxLength || !nameable.test(text)) return known
    const times = (seen.get(text) ?? 0) + 1
    if (times < 2) {
      if (seen.size >= maxCounted) seen.clear()
      seen.set(text, times)
      return undefined
    }
    seen.delete(text)
    const name = `carehub_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`
    names.set(text, name)
    return name
  }

  pool.on('connect', (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown
    // Kysely calls query(text, values) and awaits the promise; anything else (cursors, callbacks,
    // query objects) goes through unchanged.
    client.query = ((...args: unknown[]) => {
      const [text, values] = args
      if (args.length === 2 && typeof text === 'string' && Array.isArray(values)) {
        const name = nameFor(text)
        if (name) return query({ name, text, values })
      }
      return query(...args)
    }) as typeof client.query
  })
}
