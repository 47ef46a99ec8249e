import type { Db } from '../src/db/database.ts'

export type Engine = 'postgres' | 'pglite'

// A list entry in a profile: a function, a package or a query, and seconds or MB.
export type Ranked = { label: string; value: number }

export type CpuSummary = {
  seconds: number
  // Self time: where the main thread was when sampled.
  selfByArea: Ranked[]
  selfByFunction: Ranked[]
  // Our own functions (src/, bench/) with everything they called synchronously.
  inclusiveOurs: Ranked[]
}

export type HeapSummary = {
  allocatedMb: number
  byArea: Ranked[]
  selfByFunction: Ranked[]
  inclusiveOurs: Ranked[]
}

export type ProfilePhase = {
  name: string
  seconds: number
  rssAtStartMb: number
  peakRssMb: number
  // Time per kind of query (rows: sent for inserts, else returned or affected), and the JavaScript
  // between queries (nothing in flight: parsing, planning, building queries).
  totals: { label: string; count: number; seconds: number; rows: number }[]
  // The phase in order, split wherever the main thread ran 100 ms or more with no query in flight.
  segments: { what: string; seconds: number; querySeconds: number }[]
}

export type Profile = {
  seconds: number
  phases: ProfilePhase[]
  notes: string[]
  cpu: CpuSummary
  allocations: HeapSummary
  rss: {
    peakMb: number
    peakAtSeconds: number
    peakDuring: string
    // Each rise between two RSS samples, put down to what was running between them.
    growthByActivity: Ranked[]
  }
}

export type ProfileTools = {
  // The database with every query timed.
  timed: (db: Db) => Db
  phase: <T>(name: string, work: () => Promise<T>) => Promise<T>
  note: (text: string) => void
}

// One thing to measure. `prepare` runs once in the parent (e.g. writes the input file) and returns
// what each run needs; `load` runs in the child before the clock starts; `run` is what is timed;
// `verify` runs after the clock stops and throws if the run did not do its work; `profile` does the
// same work as `run` in named phases, for the profile run.
export type BenchCase<Params, Input, State> = {
  id: string
  prepare(params: Params, workDir: string): Promise<{ input: Input; facts: Record<string, unknown> }>
  load(input: Input): Promise<State>
  // Optional: writes what the run needs into the fresh, migrated database, before the clock starts.
  seed?(db: Db, state: State): Promise<void>
  run(db: Db, state: State): Promise<Record<string, unknown>>
  verify?(db: Db, details: Record<string, unknown>): Promise<Record<string, unknown>>
  profile?(db: Db, state: State, tools: ProfileTools): Promise<void>
}

export type Target = { seconds: number; peakRssMb: number | null }

export type Measurement = {
  id: string
  title: string
  // What the clock covers, in a sentence for the results.
  timed: string
  engine: Engine
  caseId: string
  params: unknown
  target: Target
  // Said beside the target in the table, e.g. why there is no memory target.
  targetNote?: string
  runs: number
}
