import { z } from 'zod'
import type { Outcome } from '../../domain/outcome.ts'
import { type FormMessages, formText, parseForm } from '../../web/form-schema.ts'
import type { FeedbackForm, OfferForm, UptakeForm } from './domain/training.rules.ts'

// Training's forms as posted; what makes an answer valid is the domain's rule (training.rules.ts).

const uptakeFields = z.object({
  providerId: formText(),
  status: formText(),
  declineReason: formText(),
  attendees: formText(),
})
const uptakeMessages: FormMessages<typeof uptakeFields> = {
  providerId: 'Select the provider',
  status: 'Select where the provider is with this training',
  declineReason: 'Enter why the provider declined',
  attendees: 'Attendees must be a whole number, like 12',
}
export const uptakeFormFrom = (body: unknown): Outcome<UptakeForm> =>
  parseForm(uptakeFields, body, uptakeMessages)

const feedbackFields = z.object({
  trainerKnowledge: formText(),
  responsive: formText(),
  knowledgeIncreased: formText(),
})
const feedbackMessages: FormMessages<typeof feedbackFields> = {
  trainerKnowledge: 'Select how the attendee rated the trainer’s knowledge',
  responsive: 'Select whether the trainer was responsive to the service’s needs',
  knowledgeIncreased: 'Select whether the attendee’s knowledge increased',
}
export const feedbackFormFrom = (body: unknown): Outcome<FeedbackForm> =>
  parseForm(feedbackFields, body, feedbackMessages)

const offerFormFields = z.object({
  kind: formText(),
  title: formText(),
  deliveredBy: formText(),
  'startDate-day': formText(),
  'startDate-month': formText(),
  'startDate-year': formText(),
  'endDate-day': formText(),
  'endDate-month': formText(),
  'endDate-year': formText(),
  capacity: formText(),
  cost: formText(),
})
const dateMessage = 'Enter a real date, like 1 5 2020'
export const offerFormFrom = (body: unknown): Outcome<OfferForm> =>
  parseForm(offerFormFields, body, {
    kind: 'Select the kind of training',
    title: 'Enter the training’s title',
    deliveredBy: 'Enter who delivers the training',
    'startDate-day': dateMessage,
    'startDate-month': dateMessage,
    'startDate-year': dateMessage,
    'endDate-day': dateMessage,
    'endDate-month': dateMessage,
    'endDate-year': dateMessage,
    capacity: 'Places must be a whole number above 0, like 60, or left blank for no limit',
    cost: 'Cost must be an amount in pounds, like 1250 or 1250.50',
  })
