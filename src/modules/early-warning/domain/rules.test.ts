import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { measuresArb } from '../../../../test/support/risk-arbitraries.ts'
import { evaluate } from './condition.ts'
import type { Measures } from './measures.ts'
import {
  type AlertAction,
  canonicalJson,
  compileRules,
  defaultRules,
  type OpenRuleAlert,
  type ReturnRef,
  reconcile,
  validateRule,
  worstRag,
} from './rules.ts'

const rules = compileRules(defaultRules.map((r, i) => ({ ...r, versionId: `v${i}`, enabled: true }))).compiled

// A pure model of the alert store for one location: open alerts by key, and every resolution made.
function apply(open: OpenRuleAlert[], actions: AlertAction[], counter: { n: number }) {
  const next = new Map(open.map((a) => [a.alertKey, a]))
  for (const a of actions) {
    if (a.kind === 'resolve') {
      expect(next.get(a.ruleKey)?.alertId).toBe(a.alertId)
      next.delete(a.ruleKey)
    } else if (a.kind === 'raise') {
      expect(next.has(a.ruleKey)).toBe(false)
      next.set(a.ruleKey, {
        alertId: `a${counter.n++}`,
        alertKey: a.ruleKey,
        severity: a.severity,
        message: a.message,
        ruleVersionId: a.ruleVersionId,
        evidence: a.evidence,
      })
    } else {
      expect(next.get(a.ruleKey)?.alertId).toBe(a.alertId)
      next.set(a.ruleKey, { ...next.get(a.ruleKey)!, evidence: a.evidence, severity: a.severity })
    }
  }
  return [...next.values()]
}

const returnRef = (i: number): ReturnRef => ({
  id: `return-${i}`,
  periodStart: '2026-11-23',
  submittedAt: new Date('2026-11-23T08:14:00Z'),
})

describe('reconcile', () => {
  it('after any sequence of returns, exactly the firing rules have an open alert, one each', () => {
    fc.assert(
      fc.property(fc.array(measuresArb, { minLength: 1, maxLength: 12 }), (sequence) => {
        let open: OpenRuleAlert[] = []
        const counter = { n: 0 }
        for (const [i, measures] of sequence.entries()) {
          const before = new Map(open.map((a) => [a.alertKey, a.alertId]))
          const actions = reconcile({ measures, latest: returnRef(i), rules, open, today: '2026-11-23' })
          // One action per rule at most.
          const keys = actions.map((a) => a.ruleKey)
          expect(new Set(keys).size).toBe(keys.length)
          open = apply(open, actions, counter)
          const firing = rules.filter((r) => evaluate(r.parsed, measures)).map((r) => r.ruleKey)
          expect(open.map((a) => a.alertKey).sort()).toEqual([...firing].sort())
          // A return that clears a condition resolves exactly that rule's alert, naming the return;
          // alerts of rules still firing keep their identity.
          for (const a of actions.filter((x) => x.kind === 'resolve')) {
            expect(firing).not.toContain(a.ruleKey)
            expect(a.kind === 'resolve' && a.note).toBe(
              'Cleared by the return for 23 November 2026 submitted 08:14',
            )
          }
          for (const [key, id] of before)
            if (firing.includes(key)) expect(open.find((a) => a.alertKey === key)?.alertId).toBe(id)
          expect(worstRag(open.map((a) => a.severity))).toBe(
            firing.some((k) => rules.find((r) => r.ruleKey === k)!.severity === 'red')
              ? 'red'
              : firing.length
                ? 'amber'
                : 'green',
          )
        }
      }),
    )
  })

  it('is idempotent: the same measures again change nothing, even from a later return', () => {
    fc.assert(
      fc.property(measuresArb, (measures) => {
        const open = apply(
          [],
          reconcile({ measures, latest: returnRef(1), rules, open: [], today: '2026-11-23' }),
          {
            n: 0,
          },
        )
        // Evidence comes back from jsonb with its keys in another order.
        const reordered = open.map((a) => ({ ...a, evidence: JSON.parse(canonicalJson(a.evidence)) }))
        expect(
          reconcile({ measures, latest: returnRef(2), rules, open: reordered, today: '2026-11-23' }),
        ).toEqual([])
      }),
    )
  })

  it('PPE red and amber never fire together; evidence names the item and the return', () => {
    const m: Measures = {
      lowestPpeDays: 1,
      lowestPpeItem: 'gloves',
      staffAbsencePercent: 0,
      newConfirmedCases14Days: 0,
      suspectedCases14Days: 0,
      deaths7Days: 0,
      vacancies: 3,
      admissionsClosed: false,
      helpRequested: false,
      helpRequestedKinds: [],
      periodsWithoutReturn: 0,
    }
    const actions = reconcile({ measures: m, latest: returnRef(1), rules, open: [], today: '2026-11-23' })
    expect(actions).toHaveLength(1)
    expect(actions[0]).toMatchObject({
      kind: 'raise',
      ruleKey: 'ppe-red',
      severity: 'red',
      evidence: {
        lowestPpeDays: 1,
        lowestPpeItem: 'gloves',
        returnId: 'return-1',
        returnPeriodStart: '2026-11-23',
      },
    })
    const open = apply([], actions, { n: 0 })
    const later = reconcile({
      measures: { ...m, lowestPpeDays: 10 },
      latest: { id: 'return-2', periodStart: '2026-11-24', submittedAt: new Date('2026-11-24T09:05:00Z') },
      rules,
      open,
      today: '2026-11-24',
    })
    expect(later).toEqual([
      {
        kind: 'resolve',
        alertId: 'a0',
        ruleKey: 'ppe-red',
        note: 'Cleared by the return for 24 November 2026 submitted 09:05',
        returnId: 'return-2',
      },
    ])
  })

  it('a disabled rule’s open alert resolves; time-based clearing says so', () => {
    const open: OpenRuleAlert[] = [
      { alertId: 'x', alertKey: 'retired', severity: 'amber', message: '', ruleVersionId: 'v', evidence: {} },
      {
        alertId: 'y',
        alertKey: 'death',
        severity: 'amber',
        message: '',
        ruleVersionId: 'v5',
        evidence: { deaths7Days: 1, returnId: 'return-1' },
      },
    ]
    const m = { lowestPpeDays: null, deaths7Days: 0 } as unknown as Measures
    const actions = reconcile({ measures: m, latest: returnRef(1), rules, open, today: '2026-11-30' })
    expect(actions).toEqual([
      {
        kind: 'resolve',
        alertId: 'x',
        ruleKey: 'retired',
        note: 'Resolved because the rule was disabled',
        returnId: null,
      },
      {
        kind: 'resolve',
        alertId: 'y',
        ruleKey: 'death',
        note: 'No longer met on 30 November 2026: the figures that raised it are out of date or have been corrected',
        returnId: null,
      },
    ])
  })
})

describe('validateRule', () => {
  it('names each problem', () => {
    expect(
      validateRule(
        { ruleKey: 'PPE red', name: '', condition: 'ppe_day < 3', severity: 'purple', message: '' },
        { isNew: true },
      ),
    ).toEqual([
      {
        field: 'ruleKey',
        message: 'The rule key must start with a letter and use only lower-case letters, digits and hyphens',
      },
      { field: 'name', message: 'Enter a name for the rule' },
      { field: 'condition', message: "Unknown measure 'ppe_day' — did you mean 'lowest_ppe_days'?" },
      { field: 'severity', message: 'Select red or amber' },
      { field: 'message', message: 'Enter the message officers will see' },
    ])
    expect(
      validateRule(
        { ruleKey: 'ppe-red', name: 'x', condition: 'lowest_ppe_days < 3', severity: 'red', message: 'm' },
        { isNew: true, existingKeys: ['ppe-red'] },
      ),
    ).toEqual([{ field: 'ruleKey', message: 'There is already a rule with the key ppe-red' }])
  })
})
