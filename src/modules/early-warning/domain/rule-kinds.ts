import { type Condition, formatCondition, parseCondition, trendTermsOf } from './condition.ts'
import {
  changePercentProblem,
  percentileProblem,
  runPeriodsProblem,
  type TrendTest,
  trendFigureByName,
  trendFigures,
  trendNeeds,
} from './trends.ts'

// The kinds of rule the rule editor offers: a condition over the latest figures, or one of the trend
// and outlier tests with its parameters as separate fields (figure, which way, N, X or the percentile),
// each checked on its own so the error names the field. A trend rule is kept as its condition
// (`staff_absence_percent rising for 3 periods`), so it is versioned, audited and evaluated like any.

export type RuleKind = 'condition' | 'rising' | 'change' | 'peers'

export const ruleKinds: readonly { value: RuleKind; text: string; hint: string }[] = [
  {
    value: 'condition',
    text: 'A condition on the latest figures',
    hint: 'For example, lowest PPE days under 3',
  },
  {
    value: 'rising',
    text: 'A figure rising or falling period after period',
    hint: 'For example, staff absence up 3 days running',
  },
  {
    value: 'change',
    text: 'A change against the location’s own last 4 weeks',
    hint: 'The latest figure against the average of its other returns in the last 4 weeks',
  },
  {
    value: 'peers',
    text: 'A location far outside its peers',
    hint: 'Against the locations of the same service type in the same council',
  },
]

// The trend fields as typed (all text; empty when not sent).
export type TrendFields = {
  kind: string
  figure: string
  direction: string
  periods: string
  percent: string
  percentile: string
}
export type TrendField = keyof TrendFields

export const emptyTrendFields: TrendFields = {
  kind: 'condition',
  figure: '',
  direction: '',
  periods: '',
  percent: '',
  percentile: '',
}

const whole = /^\d+$/
const decimal = /^\d+(\.\d+)?$/

// The trend test the fields describe, or what is wrong with each field.
export function trendFromFields(
  fields: TrendFields,
):
  | { ok: true; measure: string; test: TrendTest }
  | { ok: false; errors: { field: TrendField; message: string }[] } {
  const errors: { field: TrendField; message: string }[] = []
  const figure = fields.figure.trim()
  if (!trendFigureByName.has(figure)) errors.push({ field: 'figure', message: 'Select the figure to follow' })
  const direction = fields.direction === 'up' || fields.direction === 'down' ? fields.direction : null
  if (!direction)
    errors.push({
      field: 'direction',
      message:
        fields.kind === 'peers'
          ? 'Select whether to flag locations above or below their peers'
          : 'Select whether to flag a rise or a fall',
    })
  const number = (
    field: 'periods' | 'percent' | 'percentile',
    pattern: RegExp,
    empty: string,
    wrong: string,
  ) => {
    const text = fields[field].trim()
    if (text === '' || !pattern.test(text)) {
      errors.push({ field, message: text === '' ? empty : wrong })
      return null
    }
    return Number(text)
  }
  let test: TrendTest | null = null
  if (fields.kind === 'rising') {
    const periods = number(
      'periods',
      whole,
      'Enter the number of periods, for example 3',
      'The number of periods must be a whole number, like 3',
    )
    const problem = periods === null ? null : runPeriodsProblem(periods)
    if (problem) errors.push({ field: 'periods', message: problem })
    if (periods !== null && !problem && direction) test = { type: 'run', direction, periods }
  } else if (fields.kind === 'change') {
    const percent = number(
      'percent',
      decimal,
      'Enter the change in per cent, for example 50',
      'The change must be a number of per cent, like 50',
    )
    const problem = percent === null ? null : changePercentProblem(percent)
    if (problem) errors.push({ field: 'percent', message: problem })
    if (percent !== null && !problem && direction) test = { type: 'change', direction, percent }
  } else {
    const percentile = number(
      'percentile',
      whole,
      'Enter the percentile, for example 95',
      'The percentile must be a whole number, like 95',
    )
    const problem = percentile === null || !direction ? null : percentileProblem(percentile, direction)
    if (problem) errors.push({ field: 'percentile', message: problem })
    if (percentile !== null && !problem && direction) test = { type: 'peers', direction, percentile }
  }
  if (errors.length > 0 || !test) return { ok: false, errors }
  return { ok: true, measure: figure, test }
}

// The condition a trend rule is kept as, in its canonical form.
export function trendCondition(measure: string, test: TrendTest): string {
  return formatCondition({ kind: 'trend', measure, test })
}

const kindOf: Record<TrendTest['type'], RuleKind> = { run: 'rising', change: 'change', peers: 'peers' }

// The form's fields for a stored condition: a lone trend test fills the trend fields; anything else is
// a condition.
export function trendFieldsOf(condition: string): TrendFields {
  const parsed = parseCondition(condition)
  const c: Condition | null = parsed.ok ? parsed.condition : null
  if (c?.kind !== 'trend') return emptyTrendFields
  const t = c.test
  return {
    kind: kindOf[t.type],
    figure: c.measure,
    direction: t.direction,
    periods: t.type === 'run' ? String(t.periods) : '',
    percent: t.type === 'change' ? String(t.percent) : '',
    percentile: t.type === 'peers' ? String(t.percentile) : '',
  }
}

export const isTrendKind = (kind: string) => kind === 'rising' || kind === 'change' || kind === 'peers'

// For the form's select.
export const trendFigureChoices = trendFigures.map((f) => ({ value: f.name, text: f.label }))

// Trend and outlier rules a council might add, one of each kind (not among the defaults): the national
// risk-recompute benchmark switches them on for every council, and the tests use them.
export const exampleTrendRules = [
  {
    ruleKey: 'absence-rising',
    name: 'Staff absence rising 3 periods running',
    condition: 'staff_absence_percent rising for 3 periods',
    severity: 'amber',
    message: 'Staff absence has gone up in each of the last three returns. Check cover is arranged.',
  },
  {
    ruleKey: 'absence-jump',
    name: 'Staff absence up by half on the last 4 weeks',
    condition: 'staff_absence_percent up more than 50% on 4 weeks',
    severity: 'amber',
    message:
      'Staff absence is more than half as high again as its 4-week average. Check in with the manager.',
  },
  {
    ruleKey: 'absence-outlier',
    name: 'Staff absence far above similar services',
    condition: 'staff_absence_percent above 95th percentile of peers',
    severity: 'amber',
    message: 'Staff absence is above the 95th percentile of services of the same type in the council.',
  },
  {
    ruleKey: 'ppe-outlier',
    name: 'PPE stock far below similar services',
    condition: 'lowest_ppe_days below 5th percentile of peers',
    severity: 'amber',
    message: 'PPE stock is below the 5th percentile of services of the same type in the council.',
  },
] as const

// What the SQL must work out for these conditions' trend tests (null: none has one).
export function trendNeedsOf(conditions: readonly string[]) {
  return trendNeeds(
    conditions.flatMap((c) => {
      const parsed = parseCondition(c)
      return parsed.ok ? trendTermsOf(parsed.condition) : []
    }),
  )
}
