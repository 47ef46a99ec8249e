import { z } from 'zod'
import type { Outcome } from '../../domain/outcome.ts'
import { type FormMessages, formText, parseForm } from '../../web/form-schema.ts'
import type { FeedbackForm, UptakeForm } from './domain/training.rules.ts'

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
