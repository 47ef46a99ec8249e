import type { FieldErrors, Outcome } from '../../../domain/outcome.ts'
import { textLimits } from '../../../domain/text-limits.ts'

// A staffing budget as the team sets it up: a name people recognise ("ICF tranche 2 retained") and the
// money allocated to it. Its balance is never stored: always the allocation less its deployments' costs.

export type BudgetInput = { name: string; allocationPence: number }
export const maxAllocationPence = 1_000_000_000 // £10 million: far above any emergency staffing fund

// "50,000", "£50,000.00", "50000" or "12.5" → pence; null when it is not an amount of money. Commas only
// where thousands are grouped.
export function allocationFromPounds(text: string): number | null {
  const match = /^£?\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?$/.exec(text.trim())
  if (!match) return null
  const pounds = Number(match[1]!.replace(/,/g, ''))
  return pounds * 100 + Number((match[2] ?? '0').padEnd(2, '0'))
}

export function validateBudget(
  form: Record<string, string>,
  namesInUse: readonly string[],
): Outcome<BudgetInput> {
  const errors: FieldErrors = {}
  const name = (form.name ?? '').trim().replace(/\s+/g, ' ')
  if (!name) errors.name = 'Enter the budget’s name, like ICF tranche 2 retained'
  else if (name.length > textLimits.name) errors.name = `Name must be ${textLimits.name} characters or fewer`
  else if (namesInUse.some((n) => n.toLowerCase() === name.toLowerCase()))
    errors.name = `There is already a budget called ${name}`
  const text = (form.allocation ?? '').trim()
  const pence = allocationFromPounds(text)
  if (!text) errors.allocation = 'Enter the money allocated to the budget'
  else if (pence === null)
    errors.allocation = 'Allocation must be an amount in pounds, like 50,000 or 50000.00'
  else if (pence === 0) errors.allocation = 'Allocation must be more than £0'
  else if (pence > maxAllocationPence) errors.allocation = 'Allocation must be £10,000,000 or less'
  if (Object.keys(errors).length) return { ok: false, errors }
  return { ok: true, value: { name, allocationPence: pence! } }
}
