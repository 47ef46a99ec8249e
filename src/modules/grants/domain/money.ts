// Money in whole pence (bigint), as typed and as shown. Pure.

// "£1,250,000.50", "1250000", "13746000.5" → pence; null when it is not an amount of money.
export function parsePounds(typed: string): bigint | null {
  const text = typed.trim().replace(/^£/, '').trim()
  if (!/^(\d{1,3}(,\d{3})+|\d+)(\.\d{1,2})?$/.test(text)) return null
  const [whole, fraction = ''] = text.replaceAll(',', '').split('.')
  return BigInt(whole!) * 100n + BigInt(fraction.padEnd(2, '0'))
}

// 1374600000n → "£13,746,000.00"; negative amounts keep their sign in front of the pound sign.
export function pounds(pence: bigint): string {
  const sign = pence < 0n ? '-' : ''
  const abs = pence < 0n ? -pence : pence
  const whole = (abs / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  return `${sign}£${whole}.${(abs % 100n).toString().padStart(2, '0')}`
}

// Pence as a plain number of pounds with two decimals, for files that want a number ("1234.56").
export function poundsNumber(pence: bigint): number {
  return Number(pence) / 100
}

// A whole number with thousands separators: 9295 → "9,295".
export function grouped(n: number | bigint): string {
  return n.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',')
}

// "75", "75.5", "12.25" → basis points (7500, 7550, 1225); null when it is not a percentage 0–100.
export function parsePercent(typed: string): number | null {
  const text = typed.trim().replace(/\s*%$/, '')
  if (!/^\d{1,3}(\.\d{1,2})?$/.test(text)) return null
  const [whole, fraction = ''] = text.split('.')
  const bp = Number(whole) * 100 + Number(fraction.padEnd(2, '0'))
  return bp <= 10_000 ? bp : null
}

// 7550 → "75.5 %"
export function percentText(bp: number): string {
  const whole = Math.floor(bp / 100)
  const fraction = bp % 100
  return fraction === 0 ? `${whole} %` : `${whole}.${String(fraction).padStart(2, '0').replace(/0$/, '')} %`
}
