import type { ColumnType, Generated } from 'kysely'
import type { DateOnly, Timestamp } from '../../db/columns.ts'

// This capability's tables, as TypeScript sees them (src/db/schema.ts gathers every capability's).
export type PlanRag = 'red' | 'amber' | 'green' | 'complete'

type JsonList = ColumnType<string[], string | undefined, string>

export type PlanAreaTable = {
  id: Generated<string>
  councilId: string
  number: number
  title: string
  aim: string
  objectives: JsonList
  createdAt: Timestamp
}

export type PlanActionTable = {
  id: Generated<string>
  areaId: string
  position: number
  title: string
  leadOrganisationId: string | null
  leadName: string
  partners: string | null
  dueOn: DateOnly | null
  rag: PlanRag
  measureKeys: JsonList
  createdAt: Timestamp
  updatedAt: Timestamp
}

export type PlanActionUpdateTable = {
  id: Generated<string>
  actionId: string
  period: string
  doneThisPeriod: string
  stillToDo: string
  rag: PlanRag
  writtenBy: string | null
  writtenByName: string
  writtenAt: Timestamp
}
