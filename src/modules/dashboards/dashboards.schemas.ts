import { z } from 'zod'
import { type FormMessages, formText, parseForm } from '../../web/form-schema.ts'
import type { FilterInput } from './dashboard.service.ts'

// The dashboards' pages take their filters, the figure listed, the page and the export's dates from the
// query. Each is text; a value a filter does not know narrows nothing, and a date that is not one gets
// its message from the page (dashboard.service.ts, checkDay).
const queryFields = z.object({
  date: formText(),
  area: formText(),
  serviceType: formText(),
  contracted: formText(),
  inArea: formText(),
  figure: formText(),
  organisation: formText(),
  page: formText(),
  from: formText(),
  to: formText(),
  error: formText(),
})
export type DashboardQuery = z.output<typeof queryFields>

const queryMessages: FormMessages<typeof queryFields> = {
  date: 'Enter a real date, for example 2020-04-27',
  area: 'Choose an area',
  serviceType: 'Choose a service type',
  contracted: 'Choose contracted or not',
  inArea: 'Choose in or out of area',
  figure: 'Choose a figure',
  organisation: 'Choose an organisation',
  page: 'Choose a page',
  from: 'Enter the first date as a real date, for example 2020-04-01',
  to: 'Enter the last date as a real date, today or earlier',
  error: 'Choose a download',
}

const emptyQuery = queryFields.parse({})

// A query that is not text (only a forged one) is read as no query at all.
export function dashboardQuery(query: unknown): DashboardQuery {
  const parsed = parseForm(queryFields, query, queryMessages)
  return parsed.ok ? parsed.value : emptyQuery
}

// The screen's filters, as the service takes them.
export function filterOf(query: DashboardQuery): FilterInput {
  return {
    day: query.date || undefined,
    area: query.area,
    serviceType: query.serviceType,
    contracted: query.contracted,
    inArea: query.inArea,
  }
}
