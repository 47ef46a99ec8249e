import { dateInWords } from '../../domain/dates.ts'
import { checkKinds, staffRoles } from './domain/matching.ts'
import {
  checkKindNames,
  deploymentStatusNames,
  maxShiftsPerRequest,
  poundsFromPence,
  requestReasonNames,
  requestReasons,
  requestStatusNames,
  staffRoleNames,
  timeFromMinutes,
  urgencies,
  urgencyNames,
} from './domain/staffing.rules.ts'

// What emergency staffing's pages show, in words.
export const names = {
  staffRoleNames,
  checkKindNames,
  requestReasonNames,
  urgencyNames,
  requestStatusNames,
  deploymentStatusNames,
  mismatchNames: {
    role: 'does not do this role',
    not_available: 'not free that day',
    already_deployed: 'already deployed at that time',
    check_expired: 'a check is missing or expires before the shift ends',
  },
}

export const shiftNumbers = Array.from({ length: maxShiftsPerRequest }, (_, i) => i + 1)
export const checkFields = checkKinds.map((kind) => ({
  kind,
  field: kind === 'right_to_work' ? 'rightToWork' : kind,
  name: checkKindNames[kind],
}))

export const radios = (pairs: Record<string, string>, order: readonly string[], selected: string) =>
  order.map((value) => ({ value, text: pairs[value]!, checked: value === selected }))
export const roleOptions = (selected: string, first = 'Choose a role') => [
  { value: '', text: first },
  ...staffRoles.map((r) => ({ value: r, text: staffRoleNames[r], selected: r === selected })),
]
export const reasonRadios = (selected: string) => radios(requestReasonNames, requestReasons, selected)
export const urgencyRadios = (selected: string) => radios(urgencyNames, urgencies, selected)

// "Tuesday 14 April 2020, 07:00 to 15:00"; a night shift "…, 20:00 to 08:00 the next day".
export function shiftWords(shift: { shiftOn: string; startsMinute: number; endsMinute: number }) {
  const weekday = new Date(`${shift.shiftOn}T12:00:00Z`).toLocaleDateString('en-GB', {
    weekday: 'long',
    timeZone: 'UTC',
  })
  const nextDay = shift.endsMinute > 1440 ? ' the next day' : ''
  return `${weekday} ${dateInWords(shift.shiftOn)}, ${timeFromMinutes(shift.startsMinute)} to ${timeFromMinutes(shift.endsMinute)}${nextDay}`
}
export const hoursWords = (minutes: number) => {
  const hours = minutes / 60
  return `${Number.isInteger(hours) ? hours : hours.toFixed(1)} ${hours === 1 ? 'hour' : 'hours'}`
}
export const money = (pence: number | string) => poundsFromPence(Number(pence))
// "£4,850.00 left" or "overspent by £40.00".
export const balanceWords = (pence: number) =>
  pence < 0 ? `overspent by ${money(-pence)}` : `${money(pence)} left`
