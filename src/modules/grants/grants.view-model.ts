import { dateInWords, partsFromIsoDate } from '../../domain/dates.ts'
import { basisNames, eligibilityRuleNames, eligibilityRules } from './domain/allocation.ts'
import { percentText, pounds } from './domain/money.ts'
import type { RoundForm } from './domain/round-rules.ts'
import type { GrantsService } from './grants.service.ts'

// What the grants' pages show, in words and pounds: the templates format nothing themselves.

type RoundPage = NonNullable<Awaited<ReturnType<GrantsService['round']>>>

export const money = (pence: bigint | null | undefined) =>
  pence === null || pence === undefined ? '' : pounds(pence)

export function roundFacts(r: RoundPage['round']) {
  return [
    ['Pot', `${pounds(r.potPence)}${r.potSource ? ` (from ${r.potSource})` : ''}`],
    ['Retained', r.retainedPence > 0n ? `${pounds(r.retainedPence)} for ${r.retainedPurpose}` : 'Nothing'],
    ['Allocated by the formula', `${percentText(r.formulaShareBp)}, per ${basisNames[r.basis]}`],
    ...(r.homeCareShareBp > 0
      ? [['To home care', `${percentText(r.homeCareShareBp)}, per ${basisNames.people_supported}`]]
      : []),
    ['At the council’s discretion', percentText(10_000 - r.formulaShareBp - r.homeCareShareBp)],
    ['Snapshot date', dateInWords(r.snapshotDate)],
    ['Date of the round', dateInWords(r.roundDate)],
    ['Passed on within', `${r.passOnWorkingDays} working days`],
    ['Eligibility', r.rules.map((rule) => eligibilityRuleNames[rule]).join('; ') || 'Registered in the area'],
    ['May be spent on', r.measuresAllowed.join('; ')],
    ['May not be spent on', r.measuresNotAllowed.join('; ') || 'Nothing listed'],
    ['Unspent money', r.clawbackUnspent ? 'Clawed back' : 'Kept by the provider'],
    ['360Giving funder identifier', r.funderId],
  ].map(([key, value]) => ({ key: { text: key }, value: { text: value } }))
}

export function roundPageView(page: RoundPage) {
  const { preview } = page
  return {
    facts: roundFacts(page.round),
    tranches: page.tranches.map((t) => ({
      id: t.id,
      number: t.number,
      payOn: dateInWords(t.payOn),
      share: percentText(t.shareBp),
    })),
    preview: preview && {
      at: preview.createdAt,
      formula: pounds(preview.formulaPence),
      discretionary: pounds(preview.discretionaryPence),
      totalBasis: preview.totalBasis.toLocaleString('en-GB'),
      eligible: preview.lines.filter((l) => l.eligible).length,
      ineligible: preview.lines.filter((l) => !l.eligible).length,
      lines: preview.lines.map((l) => ({ ...l, amount: pounds(l.amountPence) })),
    },
    changes: page.changes?.map((c) => ({
      name: c.name,
      before:
        c.beforePence === null
          ? 'Not listed'
          : c.beforeReason
            ? `Nothing (${c.beforeReason})`
            : pounds(c.beforePence),
      after:
        c.afterPence === null
          ? 'Not listed'
          : c.afterReason
            ? `Nothing (${c.afterReason})`
            : pounds(c.afterPence),
    })),
    allocations: page.allocations.map((a) => ({
      ...a,
      amount: pounds(a.amountPence),
      paid: pounds(a.paidPence),
      spent: money(a.spentPence),
      clawback: money(a.clawbackPence),
      outstanding:
        a.clawbackPence !== null && a.recoveredPence !== null
          ? pounds(a.clawbackPence - a.recoveredPence)
          : '',
      decidedOn: a.decidedOn ? dateInWords(a.decidedOn) : '',
    })),
    totals: {
      allocated: pounds(page.allocations.reduce((s, a) => s + a.amountPence, 0n)),
      accepted: pounds(page.accepted.reduce((s, a) => s + a.amountPence, 0n)),
      paid: pounds(page.allocations.reduce((s, a) => s + a.paidPence, 0n)),
      declined: page.allocations.filter((a) => a.decision === 'declined').length,
      waiting: page.allocations.filter((a) => a.eligible && a.decision === null).length,
      clawback: pounds(page.allocations.reduce((s, a) => s + (a.clawbackPence ?? 0n), 0n)),
      recovered: pounds(page.allocations.reduce((s, a) => s + (a.recoveredPence ?? 0n), 0n)),
    },
    summary: page.summary.rows.map((r) => ({
      measure: r.measure,
      spent: pounds(r.spentPence),
      percent: `${r.percent} %`,
    })),
    summaryTotal: pounds(page.summary.totalPence),
    passOnBy: dateInWords(page.passOnBy),
  }
}

// A new round starts from the 2020 Infection Control Fund's terms; a round being changed, from its own.
export function roundFormValues(
  round?: RoundPage['round'] | null,
  tranches: RoundPage['tranches'] = [],
): RoundForm {
  const d = (iso: string | undefined) => partsFromIsoDate(iso)
  const plain = (pence: bigint) => (Number(pence) / 100).toFixed(2)
  const pct = (bp: number) => String(bp / 100)
  const snap = d(round?.snapshotDate)
  const on = d(round?.roundDate)
  const t1 = d(tranches[0]?.payOn)
  const t2 = d(tranches[1]?.payOn)
  return {
    name: round?.name ?? '',
    pot: round ? plain(round.potPence) : '',
    retained: round ? plain(round.retainedPence) : '',
    retainedPurpose: round?.retainedPurpose ?? '',
    formulaShare: round ? pct(round.formulaShareBp) : '75',
    homeCareShare: round?.homeCareShareBp ? pct(round.homeCareShareBp) : '',
    discretionaryShare: round ? pct(10_000 - round.formulaShareBp - round.homeCareShareBp) : '25',
    basis: round?.basis ?? 'registered_beds',
    snapshotDay: snap.day,
    snapshotMonth: snap.month,
    snapshotYear: snap.year,
    roundDay: on.day,
    roundMonth: on.month,
    roundYear: on.year,
    passOnDays: round ? String(round.passOnWorkingDays) : '10',
    tranche1Day: t1.day,
    tranche1Month: t1.month,
    tranche1Year: t1.year,
    tranche1Share: tranches[0] ? pct(tranches[0].shareBp) : '50',
    tranche2Day: t2.day,
    tranche2Month: t2.month,
    tranche2Year: t2.year,
    tranche2Share: tranches[1] ? pct(tranches[1].shareBp) : '',
    measuresAllowed: round?.measuresAllowed.join('\n') ?? '',
    measuresNotAllowed: round?.measuresNotAllowed.join('\n') ?? '',
    rules: round?.rules ?? [...eligibilityRules],
    clawback: round ? (round.clawbackUnspent ? 'yes' : 'no') : 'yes',
    funderId: round?.funderId ?? '',
  }
}

export const ruleItems = (chosen: readonly string[]) =>
  eligibilityRules.map((r) => ({ value: r, text: eligibilityRuleNames[r], checked: chosen.includes(r) }))

export const basisItems = (chosen: string) =>
  (Object.keys(basisNames) as (keyof typeof basisNames)[]).map((b) => ({
    value: b,
    text: `Per ${basisNames[b]}`,
    checked: chosen === b,
  }))
