import type {
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely'
import { monoMs } from './clock.ts'

// One query as the profile saw it: what it was, from just before Kysely compiles it to its result (so
// compiling, the driver encoding the parameters, the database, and decoding the rows), and its size.
export type TimedQuery = {
  label: string
  startMs: number
  endMs: number
  valueRows: number
  resultRows: number
}

// A Kysely plugin that times every query. Used only by the profile run: `db.withPlugin(plugin)` carries
// it into transactions too.
export function queryRecorder() {
  const queries: TimedQuery[] = []
  const open = new Map<unknown, { label: string; startMs: number; valueRows: number }>()
  const plugin: KyselyPlugin = {
    transformQuery({ node, queryId }: PluginTransformQueryArgs): RootOperationNode {
      open.set(queryId, { label: describe(node), startMs: monoMs(), valueRows: insertedRows(node) })
      return node
    },
    async transformResult({ queryId, result }: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
      const started = open.get(queryId)
      if (started) {
        open.delete(queryId)
        queries.push({
          ...started,
          endMs: monoMs(),
          resultRows: result.rows.length || Number(result.numAffectedRows ?? 0),
        })
      }
      return result
    },
  }
  return { plugin, queries }
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined
}

// "insert locations", "select providers", "update cqc_imports", … from the query's operation tree.
function describe(node: RootOperationNode): string {
  const verb = node.kind.replace(/QueryNode$/, '').toLowerCase()
  return `${verb} ${firstTable(node) ?? '?'}`
}

function firstTable(node: unknown, depth = 0): string | null {
  if (depth > 8 || typeof node !== 'object' || node === null) return null
  if (field(node, 'kind') === 'TableNode') {
    const name = field(field(field(node, 'table'), 'identifier'), 'name')
    return typeof name === 'string' ? name : null
  }
  for (const key of ['into', 'table', 'from', 'froms']) {
    const found = firstTable(field(node, key), depth + 1)
    if (found) return found
  }
  if (Array.isArray(node)) {
    for (const item of node) {
      const found = firstTable(item, depth + 1)
      if (found) return found
    }
  }
  return null
}

function insertedRows(node: RootOperationNode): number {
  const values = field(field(node, 'values'), 'values')
  return Array.isArray(values) ? values.length : 0
}
