import { type MeasureDefinition, type Measures, measureByName, measureDefinitions } from './measures.ts'
import {
  changePercentProblem,
  formatTrendTest,
  percentileProblem,
  runPeriodsProblem,
  type TrendTest,
  trendFigureByName,
  trendFigures,
  trendOutcome,
} from './trends.ts'

// The rule condition language: plain-English-ish expressions over measure names, e.g.
//   lowest_ppe_days < 3
//   new_confirmed_cases_14_days >= 1 or suspected_cases_14_days >= 2
//   help_requested and not admissions_closed
// A small hand-written recursive-descent parser rather than a library: the grammar is tiny, we want
// error messages in the admin's words ("Expected a number after '<'"), and evaluation must never run
// code (no eval, no Function) — the tree below is walked by `evaluate`.
//
//   condition  := or
//   or         := and ("or" and)*
//   and        := unary ("and" unary)*
//   unary      := "not" unary | primary
//   primary    := "(" or ")" | comparison | trend | yes-no measure
//   comparison := number-measure op number ["%"] | yes-no-measure ("=" | "!=") ("yes" | "no")
//   op         := "<" | "<=" | ">" | ">=" | "=" | "!="
//   trend      := trend-measure ("rising" | "falling") "for" number "periods"
//               | trend-measure ("up" | "down") "more" "than" number ["%"] "on" "4" "weeks"
//               | trend-measure ("above" | "below") number ["th"] "percentile" "of" "peers"
// (trends.ts says what each trend test means and which measures it may follow.)

export type Operator = '<' | '<=' | '>' | '>=' | '=' | '!='

export type Condition =
  | { kind: 'and' | 'or'; left: Condition; right: Condition }
  | { kind: 'not'; operand: Condition }
  | { kind: 'compare'; measure: string; op: Operator; value: number | boolean }
  | { kind: 'flag'; measure: string }
  | { kind: 'trend'; measure: string; test: TrendTest }

export type ParseOutcome = { ok: true; condition: Condition } | { ok: false; error: string }

type Token =
  | { type: 'word'; text: string; at: number }
  | { type: 'number'; value: number; text: string; at: number }
  | { type: 'op'; text: Operator; at: number }
  | { type: 'punct'; text: '(' | ')' | '%'; at: number }
  | { type: 'end'; at: number }

export const maxConditionLength = 500

class ConditionError extends Error {}

function tokenise(source: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  while (i < source.length) {
    const c = source[i]!
    if (/\s/.test(c)) {
      i++
      continue
    }
    const rest = source.slice(i)
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest)
    const number = /^\d+(\.\d+)?/.exec(rest)
    const op = /^(<=|>=|!=|==|<>|=|<|>)/.exec(rest)
    if (word) tokens.push({ type: 'word', text: word[0].toLowerCase(), at: i })
    else if (number) tokens.push({ type: 'number', value: Number(number[0]), text: number[0], at: i })
    else if (op) {
      const text = op[0] === '==' ? '=' : op[0] === '<>' ? '!=' : (op[0] as Operator)
      tokens.push({ type: 'op', text, at: i })
    } else if (c === '(' || c === ')' || c === '%') tokens.push({ type: 'punct', text: c, at: i })
    else throw new ConditionError(`'${c}' cannot be used in a condition (character ${i + 1})`)
    i += (word ?? number ?? op)?.[0].length ?? 1
  }
  tokens.push({ type: 'end', at: source.length })
  return tokens
}

const describe = (t: Token) =>
  t.type === 'end' ? 'the end of the condition' : t.type === 'number' ? `'${t.text}'` : `'${t.text}'`

// The closest measure name, for "did you mean": edit distance, or a name containing what was typed.
export function closestMeasure(name: string): string | null {
  let best: { name: string; distance: number } | null = null
  for (const m of measureDefinitions) {
    const d = m.name.includes(name) || name.includes(m.name) ? 1 : editDistance(name, m.name)
    if (best === null || d < best.distance) best = { name: m.name, distance: d }
  }
  return best && best.distance <= Math.max(3, Math.floor(name.length / 2)) ? best.name : null
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
    previous = row
  }
  return previous[b.length]!
}

const keywords = new Set(['and', 'or', 'not', 'yes', 'no', 'true', 'false'])
const trendWords = new Set(['rising', 'falling', 'up', 'down', 'above', 'below'])
const trendNames = trendFigures.map((f) => f.name).join(', ')

export function parseCondition(source: string): ParseOutcome {
  if (source.trim() === '') return { ok: false, error: 'Enter a condition, for example lowest_ppe_days < 3' }
  if (source.length > maxConditionLength)
    return { ok: false, error: `The condition must be ${maxConditionLength} characters or fewer` }
  try {
    const tokens = tokenise(source)
    let pos = 0
    const peek = () => tokens[pos]!
    const next = () => tokens[pos++]!
    const isWord = (t: Token, text: string) => t.type === 'word' && t.text === text

    const measureNamed = (t: Token & { type: 'word' }): MeasureDefinition => {
      const measure = measureByName.get(t.text)
      if (measure) return measure
      const suggestion = closestMeasure(t.text)
      throw new ConditionError(
        `Unknown measure '${t.text}'${suggestion ? ` — did you mean '${suggestion}'?` : ''}`,
      )
    }

    const parseOr = (): Condition => {
      let left = parseAnd()
      while (isWord(peek(), 'or')) {
        next()
        left = { kind: 'or', left, right: parseAnd() }
      }
      return left
    }
    const parseAnd = (): Condition => {
      let left = parseUnary()
      while (isWord(peek(), 'and')) {
        next()
        left = { kind: 'and', left, right: parseUnary() }
      }
      return left
    }
    const parseUnary = (): Condition => {
      if (isWord(peek(), 'not')) {
        next()
        return { kind: 'not', operand: parseUnary() }
      }
      return parsePrimary()
    }
    const parsePrimary = (): Condition => {
      const t = next()
      if (t.type === 'punct' && t.text === '(') {
        const inner = parseOr()
        const close = next()
        if (!(close.type === 'punct' && close.text === ')'))
          throw new ConditionError(
            `Expected ')' to close the '(' at character ${t.at + 1}, found ${describe(close)}`,
          )
        return inner
      }
      if (t.type !== 'word' || keywords.has(t.text))
        throw new ConditionError(
          t.type === 'end'
            ? 'The condition ends too soon: expected a measure, like lowest_ppe_days'
            : `Expected a measure, like lowest_ppe_days, but found ${describe(t)}`,
        )
      const measure = measureNamed(t)
      const following = peek()
      if (following.type === 'word' && trendWords.has(following.text)) return parseTrend(measure)
      const op = peek()
      if (op.type !== 'op') {
        if (measure.type === 'number')
          throw new ConditionError(
            `'${measure.name}' is a number: compare it, for example '${measure.name} >= 1'`,
          )
        return { kind: 'flag', measure: measure.name }
      }
      next()
      const value = next()
      if (measure.type === 'yes-no') {
        if (op.text !== '=' && op.text !== '!=')
          throw new ConditionError(`'${measure.name}' is yes or no: use it on its own, or with = yes or = no`)
        if (value.type === 'word' && ['yes', 'true', 'no', 'false'].includes(value.text))
          return {
            kind: 'compare',
            measure: measure.name,
            op: op.text,
            value: value.text === 'yes' || value.text === 'true',
          }
        throw new ConditionError(`Expected yes or no after '${op.text}', found ${describe(value)}`)
      }
      if (value.type !== 'number')
        throw new ConditionError(`Expected a number after '${op.text}', found ${describe(value)}`)
      if (peek().type === 'punct' && (peek() as { text: string }).text === '%') next()
      return { kind: 'compare', measure: measure.name, op: op.text, value: value.value }
    }

    const expectWords = (...words: string[]) => {
      for (const word of words) {
        const t = next()
        if (!isWord(t, word)) throw new ConditionError(`Expected '${word}' but found ${describe(t)}`)
      }
    }
    const expectNumber = (after: string) => {
      const t = next()
      if (t.type !== 'number')
        throw new ConditionError(`Expected a number after '${after}', found ${describe(t)}`)
      return t.value
    }
    const checked = (problem: string | null) => {
      if (problem) throw new ConditionError(problem)
    }
    // measure rising for 3 periods · up more than 50% on 4 weeks · above 95th percentile of peers
    const parseTrend = (measure: MeasureDefinition): Condition => {
      if (!trendFigureByName.has(measure.name))
        throw new ConditionError(`'${measure.name}' cannot be followed over time: use ${trendNames}`)
      const word = next() as Token & { type: 'word' }
      let test: TrendTest
      if (word.text === 'rising' || word.text === 'falling') {
        expectWords('for')
        const periods = expectNumber('for')
        checked(runPeriodsProblem(periods))
        const unit = next()
        if (!isWord(unit, 'periods') && !isWord(unit, 'period'))
          throw new ConditionError(`Expected 'periods' after ${periods}, found ${describe(unit)}`)
        test = { type: 'run', direction: word.text === 'rising' ? 'up' : 'down', periods }
      } else if (word.text === 'up' || word.text === 'down') {
        expectWords('more', 'than')
        const percent = expectNumber('than')
        checked(changePercentProblem(percent))
        if (peek().type === 'punct' && (peek() as { text: string }).text === '%') next()
        expectWords('on')
        const four = next()
        if (four.type !== 'number' || four.value !== 4)
          throw new ConditionError(`Expected '4 weeks' after 'on', found ${describe(four)}`)
        expectWords('weeks')
        test = { type: 'change', direction: word.text, percent }
      } else {
        const direction = word.text === 'above' ? 'up' : 'down'
        const percentile = expectNumber(word.text)
        if (['st', 'nd', 'rd', 'th'].some((s) => isWord(peek(), s))) next()
        checked(percentileProblem(percentile, direction))
        expectWords('percentile', 'of', 'peers')
        test = { type: 'peers', direction, percentile }
      }
      return { kind: 'trend', measure: measure.name, test }
    }

    const condition = parseOr()
    const rest = peek()
    if (rest.type !== 'end')
      throw new ConditionError(
        rest.type === 'punct' && rest.text === ')'
          ? `There is a ')' at character ${rest.at + 1} without a matching '('`
          : `Expected 'and' or 'or' before ${describe(rest)} (character ${rest.at + 1})`,
      )
    return { ok: true, condition }
  } catch (error) {
    if (error instanceof ConditionError) return { ok: false, error: error.message }
    throw error
  }
}

// Three-valued: a measure that is unknown for a location (null, e.g. vacancies for home care) makes a
// comparison unknown, `not unknown` is unknown, and a rule fires only when its condition is true.
type Truth = boolean | null

function truth(condition: Condition, measures: Measures): Truth {
  switch (condition.kind) {
    case 'and': {
      const l = truth(condition.left, measures)
      if (l === false) return false
      const r = truth(condition.right, measures)
      return r === false ? false : l === null || r === null ? null : true
    }
    case 'or': {
      const l = truth(condition.left, measures)
      if (l === true) return true
      const r = truth(condition.right, measures)
      return r === true ? true : l === null || r === null ? null : false
    }
    case 'not': {
      const v = truth(condition.operand, measures)
      return v === null ? null : !v
    }
    case 'flag': {
      const v = measureValue(measures, condition.measure)
      return typeof v === 'boolean' ? v : null
    }
    case 'trend':
      return trendOutcome(condition.measure, condition.test, measures.trends).truth
    case 'compare': {
      const v = measureValue(measures, condition.measure)
      if (v === null || typeof v !== typeof condition.value) return null
      const a = v as number
      const b = condition.value as number
      switch (condition.op) {
        case '<':
          return a < b
        case '<=':
          return a <= b
        case '>':
          return a > b
        case '>=':
          return a >= b
        case '=':
          return a === b
        case '!=':
          return a !== b
      }
    }
  }
}

function measureValue(measures: Measures, name: string): number | boolean | null {
  const definition = measureByName.get(name)
  if (!definition) return null
  const v = measures[definition.key]
  return typeof v === 'number' || typeof v === 'boolean' ? v : null
}

export function evaluate(condition: Condition, measures: Measures): boolean {
  return truth(condition, measures) === true
}

// The measures a condition reads, in order of first use: they make up an alert's evidence.
export function measuresUsed(condition: Condition): string[] {
  const names: string[] = []
  const walk = (c: Condition) => {
    switch (c.kind) {
      case 'and':
      case 'or':
        walk(c.left)
        walk(c.right)
        break
      case 'not':
        walk(c.operand)
        break
      default:
        if (!names.includes(c.measure)) names.push(c.measure)
    }
  }
  walk(condition)
  return names
}

// The condition written back in its canonical form (lower case, single spaces, explicit brackets).
export function formatCondition(c: Condition, parent: 'and' | 'or' | 'not' | null = null): string {
  switch (c.kind) {
    case 'and':
    case 'or': {
      const text = `${formatCondition(c.left, c.kind)} ${c.kind} ${formatCondition(c.right, c.kind)}`
      return parent && parent !== c.kind ? `(${text})` : text
    }
    case 'not':
      return `not ${formatCondition(c.operand, 'not')}`
    case 'flag':
      return c.measure
    case 'trend':
      return `${c.measure} ${formatTrendTest(c.test)}`
    case 'compare':
      return `${c.measure} ${c.op} ${typeof c.value === 'boolean' ? (c.value ? 'yes' : 'no') : c.value}`
  }
}

// The trend tests a condition uses (what the SQL must work out for it).
export function trendTermsOf(condition: Condition): { measure: string; test: TrendTest }[] {
  switch (condition.kind) {
    case 'and':
    case 'or':
      return [...trendTermsOf(condition.left), ...trendTermsOf(condition.right)]
    case 'not':
      return trendTermsOf(condition.operand)
    case 'trend':
      return [{ measure: condition.measure, test: condition.test }]
    default:
      return []
  }
}

// Why the trend tests of a condition hold for a location, in words (none when it uses no trend test).
export function trendReasons(condition: Condition, measures: Measures): string[] {
  return trendTermsOf(condition)
    .map((t) => trendOutcome(t.measure, t.test, measures.trends))
    .filter((o) => o.truth === true && o.reason !== null)
    .map((o) => o.reason!)
}
