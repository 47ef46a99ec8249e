import { z } from 'zod'
import { type FormMessages, formText, parseForm } from '../../web/form-schema.ts'

// Publishing's forms as posted; the workflow's rules (domain/workflow.ts) word what is wrong.

const startFields = z.object({ kind: formText() })
export const startFormFrom = (body: unknown) =>
  parseForm(startFields, body, { kind: 'Select what to publish' })

const checkFields = z.object({ checkDays: formText() })
export const checkFormFrom = (body: unknown) =>
  parseForm(checkFields, body, {
    checkDays: 'Enter how many working days providers have to check their figures',
  })

const challengeFields = z.object({ figure: formText(), reason: formText() })
const challengeMessages: FormMessages<typeof challengeFields> = {
  figure: 'Select the figure you are challenging',
  reason: 'Enter what is wrong with the figure',
}
export const challengeFormFrom = (body: unknown) => parseForm(challengeFields, body, challengeMessages)

const resolveFields = z.object({ resolution: formText() })
export const resolveFormFrom = (body: unknown) =>
  parseForm(resolveFields, body, { resolution: 'Enter how the challenge was resolved' })

const signOffFields = z.object({ confirm: formText() })
export const signOffFormFrom = (body: unknown) => parseForm(signOffFields, body, { confirm: 'Confirm' })

const correctFields = z.object({ changeNote: formText() })
export const correctFormFrom = (body: unknown) =>
  parseForm(correctFields, body, { changeNote: 'Enter what this correction changes' })
