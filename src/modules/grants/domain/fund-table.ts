import { parse } from 'csv-parse/sync'

// A table shaped like the government's fund file (asc_infection_control_fund_by_la.csv): a council
// per row, its ONS code and name, and amounts in £ million with up to 9 decimals. Pure.

export const defaultFundColumn = 'asc_icf_2020_21_gbp_m'

export type FundRow = { onsCode: string; name: string; pence: bigint }

// "2.374741" (£ million) → 237474100 pence, rounded half up to the penny when given finer than that.
export function millionsToPence(text: string): bigint | null {
  const t = text.trim()
  if (!/^\d+(\.\d+)?$/.test(t)) return null
  const [whole, fraction = ''] = t.split('.')
  // £1m = 100,000,000 pence: eight decimal places of a million are pence.
  const digits = BigInt(whole! + fraction.slice(0, 8).padEnd(8, '0'))
  const next = fraction.length > 8 ? Number(fraction[8]) : 0
  return next >= 5 ? digits + 1n : digits
}

// Council names carry stray footnote digits ("Barnet3"): compared without them, case and spacing aside.
export const councilNameKey = (name: string) =>
  name
    .replace(/\d+/g, '')
    .replace(/[^a-z]+/gi, ' ')
    .trim()
    .toLowerCase()

export type FundTable = { ok: true; rows: FundRow[]; column: string } | { ok: false; problem: string }

export function readFundTable(content: Buffer | string, column = defaultFundColumn): FundTable {
  let records: Record<string, string>[]
  try {
    records = parse(content, { columns: true, bom: true, skip_empty_lines: true, trim: true }) as Record<
      string,
      string
    >[]
  } catch {
    return { ok: false, problem: 'The file must be a CSV file' }
  }
  const first = records[0]
  if (!first || !('ons_code' in first) || !('la_name' in first))
    return { ok: false, problem: 'The file must have the columns ons_code and la_name' }
  if (!(column in first)) return { ok: false, problem: `The file has no column ${column}` }
  const rows: FundRow[] = []
  for (const [i, r] of records.entries()) {
    const pence = millionsToPence(r[column] ?? '')
    if (pence === null)
      return {
        ok: false,
        problem: `Row ${i + 2}, column ${column}: the amount must be a number of £ million`,
      }
    rows.push({ onsCode: (r.ons_code ?? '').trim(), name: (r.la_name ?? '').trim(), pence })
  }
  return { ok: true, rows, column }
}

// The council's row: by ONS code, else by name.
export function councilPot(
  table: FundRow[],
  council: { onsCode: string | null; name: string },
): FundRow | null {
  return (
    (council.onsCode ? table.find((r) => r.onsCode === council.onsCode) : undefined) ??
    table.find((r) => councilNameKey(r.name) === councilNameKey(council.name.replace(/ council$/i, ''))) ??
    null
  )
}
