import type { ColumnType } from 'kysely'
import type { DateOnly } from '../../db/columns.ts'

// This capability's tables, as TypeScript sees them (src/db/schema.ts gathers every capability's).
export type DashboardDailyTable = {
  day: DateOnly
  councilKey: string
  serviceType: string
  contractedAny: boolean
  expected: number
  reported: number
  onTime: number
  ppeRed: number
  outbreak: number
  closedToAdmissions: number
  staffAbsent: ColumnType<string, number | string, number | string>
  staffEmployed: ColumnType<string, number | string, number | string>
  bedsAvailable: ColumnType<string, number | string, number | string>
  vacantBeds: ColumnType<string, number | string, number | string>
  casesWeek: ColumnType<string, number | string, number | string>
  deathsWeek: ColumnType<string, number | string, number | string>
  // How old the state figures are (migration 0031).
  figuresEarlier: ColumnType<number, number | undefined, number>
  figuresOldestDays: ColumnType<number, number | undefined, number>
  figuresNone: ColumnType<number, number | undefined, number>
}

// The whole country's totals of dashboard_daily per day, kind of service and whether contracted, kept with
// it (migration 0050): the national dashboard sums a handful of rows, not every council's.
export type DashboardNationalDailyTable = Omit<DashboardDailyTable, 'councilKey'>

// The same figures as each council sees them, by area, in or out of area and contracted (migration 0012).

export type DashboardCouncilDailyTable = Omit<DashboardDailyTable, 'councilKey'> & {
  councilId: string
  area: string
  inArea: boolean
  contracted: boolean
}
