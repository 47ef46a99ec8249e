import { z } from 'zod'
import { isoDateFromParts, londonInstant } from '../../domain/dates.ts'
import type { Outcome } from '../../domain/outcome.ts'
import { choice, type FormMessages, formText, parseForm, requiredText } from '../../web/form-schema.ts'

// The bulletins' forms as posted, with GOV.UK words for each field.

const bulletinFields = z.object({
  title: requiredText({ missing: 'Enter a title', tooLong: 'Title must be 200 characters or fewer' }, 200),
  body: requiredText(
    { missing: 'Enter the bulletin', tooLong: 'Bulletin must be 20,000 characters or fewer' },
    20_000,
  ),
})
const bulletinMessages: FormMessages<typeof bulletinFields> = {
  title: 'Enter a title',
  body: 'Enter the bulletin',
}
export const bulletinFormFrom = (body: unknown) => parseForm(bulletinFields, body, bulletinMessages)

const sendFields = z.object({
  when: choice(['now', 'later'] as const, { missing: 'Select when to send the bulletin' }),
  'sendOn-day': formText(),
  'sendOn-month': formText(),
  'sendOn-year': formText(),
  sendTime: formText(),
})
const sendMessages: FormMessages<typeof sendFields> = {
  when: 'Select when to send the bulletin',
  'sendOn-day': 'Enter the date to send the bulletin',
  'sendOn-month': 'Enter the date to send the bulletin',
  'sendOn-year': 'Enter the date to send the bulletin',
  sendTime: 'Enter the time to send the bulletin, like 09:30',
}

// Now, or a London date and time later than `now`.
export function sendFormFrom(body: unknown, now: Date): Outcome<{ sendAt: Date | null }> {
  const parsed = parseForm(sendFields, body, sendMessages)
  if (!parsed.ok) return parsed
  const f = parsed.value
  if (f.when === 'now') return { ok: true, value: { sendAt: null } }
  const day = isoDateFromParts({ day: f['sendOn-day'], month: f['sendOn-month'], year: f['sendOn-year'] })
  if (!day) return { ok: false, errors: { sendOn: 'Enter the date to send the bulletin, like 27 4 2020' } }
  const time = /^(\d{1,2})[:.](\d{2})$/.exec(f.sendTime.trim())
  if (!time || Number(time[1]) > 23 || Number(time[2]) > 59)
    return { ok: false, errors: { sendTime: 'Enter the time to send the bulletin, like 09:30' } }
  const sendAt = londonInstant(day, Number(time[1]), Number(time[2]))
  if (sendAt <= now)
    return { ok: false, errors: { sendOn: 'The date and time to send must be in the future' } }
  return { ok: true, value: { sendAt } }
}

const resendFields = z.object({ days: formText() })
export function resendFormFrom(body: unknown): Outcome<{ days: number }> {
  const parsed = parseForm(resendFields, body, { days: 'Enter a number of days' })
  if (!parsed.ok) return parsed
  const text = parsed.value.days.trim()
  if (text === '') return { ok: false, errors: { days: 'Enter a number of days' } }
  if (!/^\d+$/.test(text)) return { ok: false, errors: { days: 'Days must be a whole number, like 3' } }
  if (Number(text) > 90) return { ok: false, errors: { days: 'Days must be 90 or fewer' } }
  return { ok: true, value: { days: Number(text) } }
}

const listFields = z.object({
  name: requiredText(
    { missing: 'Enter a name for the list', tooLong: 'Name must be 100 characters or fewer' },
    100,
  ),
})
export const listFormFrom = (body: unknown) =>
  parseForm(listFields, body, { name: 'Enter a name for the list' })
