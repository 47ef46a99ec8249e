// Money in whole pence, and the one rounding rule: a figure is worked out exactly (as a fraction of
// whole numbers) and rounded once, to the nearest penny, a half penny going up (away from zero for a
// negative correction). Pure.

const poundsFormat = new Intl.NumberFormat('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 })

// 123456 → "£1,234.56"; -250 → "−£2.50".
export function pounds(pence: number | bigint | string): string {
  const p = BigInt(pence)
  const negative = p < 0n
  const abs = negative ? -p : p
  const whole = poundsFormat.format(Number(abs / 100n)).replace(/\.00$/, '')
  const text = `£${whole}.${String(abs % 100n).padStart(2, '0')}`
  return negative ? `−${text}` : text
}

// The figure for a spreadsheet or a CSV: 1234.56, no symbol, no separators.
export function poundsPlain(pence: number | bigint | string): string {
  const p = BigInt(pence)
  const abs = p < 0n ? -p : p
  return `${p < 0n ? '-' : ''}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`
}

// numerator / denominator, to the nearest whole number, halves away from zero.
export function roundHalfUp(numerator: bigint, denominator: bigint): bigint {
  if (denominator <= 0n) throw new Error('denominator must be positive')
  const negative = numerator < 0n
  const abs = negative ? -numerator : numerator
  const rounded = (abs * 2n + denominator) / (denominator * 2n)
  return negative ? -rounded : rounded
}

// Money as people type it ("650", "650.5", "£1,250.00") in pence; null when it is not an amount of
// money (more than two decimal places, letters, nothing). A negative amount is read (the rules say
// whether it may be).
export function parseMoney(text: string): number | null {
  const cleaned = text
    .trim()
    .replace(/^£/, '')
    .replace(/,(?=\d{3}(\D|$))/g, '')
  const match = /^(-)?(\d{1,9})(?:\.(\d{1,2}))?$/.exec(cleaned.replace(/^(-)£/, '$1'))
  if (!match) return null
  const pence = Number(match[2]) * 100 + Number((match[3] ?? '').padEnd(2, '0'))
  return match[1] ? -pence : pence
}

// Hours as typed ("37.5", "12") in hundredths of an hour; null when not a number of hours.
export function parseHours(text: string): number | null {
  const match = /^(-)?(\d{1,5})(?:\.(\d{1,2}))?$/.exec(text.trim())
  if (!match) return null
  const hundredths = Number(match[2]) * 100 + Number((match[3] ?? '').padEnd(2, '0'))
  return match[1] ? -hundredths : hundredths
}

// 3750 → "37.5"; 1200 → "12".
export function hoursText(hundredths: number | bigint): string {
  const h = BigInt(hundredths)
  const sign = h < 0n ? '-' : ''
  const abs = h < 0n ? -h : h
  const fraction = String(abs % 100n)
    .padStart(2, '0')
    .replace(/0+$/, '')
  return `${sign}${abs / 100n}${fraction ? `.${fraction}` : ''}`
}

// A percentage held in basis points (hundredths of a per cent): 1000 → "10 %", 650 → "6.5 %".
export function percentText(basisPoints: number): string {
  return `${hoursText(basisPoints)} %`
}

// "12.5" or "10" as basis points; null when not a percentage with up to two decimal places.
export function parsePercent(text: string): number | null {
  return parseHours(text.replace(/\s*%$/, ''))
}
