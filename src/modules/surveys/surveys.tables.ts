import type { ColumnType, Generated } from 'kysely'
import type { DateOnly, Timestamp } from '../../db/columns.ts'
import type { Audience } from '../bulletins/index.ts'
import type { SurveyAnswers, SurveyQuestion } from './domain/survey.rules.ts'

// This capability's tables, as TypeScript sees them (src/db/schema.ts gathers every capability's).
export type SurveyTable = {
  id: Generated<string>
  councilId: string
  title: string
  questions: ColumnType<SurveyQuestion[], string, string>
  audience: ColumnType<Audience, string, string>
  opensOn: DateOnly
  closesOn: DateOnly
  createdBy: string | null
  createdAt: Timestamp
}

// One per provider: answers saved page by page, submitted once.
export type SurveyResponseTable = {
  surveyId: string
  providerId: string
  userId: string | null
  answers: ColumnType<SurveyAnswers, string, string>
  submittedAt: Date | null
  updatedAt: Timestamp
}
