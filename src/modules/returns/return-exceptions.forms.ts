import { z } from 'zod'
import { type FormMessages, formText } from '../../web/form-schema.ts'

// The forms of nil returns and agreed exceptions. Each takes the fields as typed: what is wrong with
// them is for the domain rules (domain/exceptions.ts) to say, in GOV.UK words per field.

export const nilReturnForm = z.object({
  nilReason: formText(),
  nilDetails: formText(),
  amendmentReason: formText(),
})

export const nilReturnFormMessages: FormMessages<typeof nilReturnForm> = {
  nilReason: 'Select why there is nothing to report',
  nilDetails: 'Enter why there is nothing to report',
  amendmentReason: 'Enter why you are changing this return',
}

export const exceptionForm = z.object({
  action: formText(),
  kind: formText(),
  extraHours: formText(),
  'startsDate-day': formText(),
  'startsDate-month': formText(),
  'startsDate-year': formText(),
  'lastDate-day': formText(),
  'lastDate-month': formText(),
  'lastDate-year': formText(),
  reason: formText(),
})

export const exceptionFormMessages: FormMessages<typeof exceptionForm> = {
  action: 'Choose whether to check or save the exception',
  kind: 'Select a later deadline or no return expected',
  extraHours: 'Enter how many hours later the return is due',
  'startsDate-day': 'Enter the first day',
  'startsDate-month': 'Enter the first day',
  'startsDate-year': 'Enter the first day',
  'lastDate-day': 'Enter the last day',
  'lastDate-month': 'Enter the last day',
  'lastDate-year': 'Enter the last day',
  reason: 'Enter why the exception is agreed',
}

export const endExceptionForm = z.object({ endReason: formText() })
export const endExceptionFormMessages: FormMessages<typeof endExceptionForm> = {
  endReason: 'Enter why the exception is ending',
}
