import type { ColumnType } from 'kysely'

// Column types shared by every capability's tables: instants, ISO dates and JSON as Kysely reads and writes them.
export type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>
export type DateOnly = ColumnType<string, string, string>
export type Json = ColumnType<unknown, string | null, string | null>
