import { z } from 'zod'
import { trimmedText } from './form-fields.ts'

// The admin pages' forms, one Zod schema each. Their rules are the services' (users.service.ts,
// organisations.service.ts): which roles an organisation's users may have, whether an address or a
// name is taken, and the field rules beside them, all reported at once in one error summary.

export const inviteUserForm = z.object({
  email: trimmedText(),
  displayName: trimmedText(),
  organisationId: trimmedText(),
  role: trimmedText(),
  // "Continue" after choosing the organisation (without JavaScript), rather than "Send invitation".
  step: trimmedText(),
})
export const inviteUserMessages = {
  email: 'Enter an e-mail address',
  displayName: 'Enter the person’s full name',
  organisationId: 'Select the person’s organisation',
  role: 'Select a role this organisation’s users can have',
  step: 'Select the person’s organisation',
}

export const editUserForm = z.object({ displayName: trimmedText(), role: trimmedText() })
export const editUserMessages = {
  displayName: 'Enter the person’s full name',
  role: 'Select a role this organisation’s users can have',
}

export const organisationForm = z.object({
  name: trimmedText(),
  kind: trimmedText(),
  onsCode: trimmedText(),
  odsCode: trimmedText(),
})
export const organisationMessages = {
  name: 'Enter the organisation’s name',
  kind: 'Select the type of organisation',
  onsCode: 'Enter an ONS code like E10000014, or leave it blank',
  odsCode: 'Enter an ODS code of 3 to 10 letters and numbers, or leave it blank',
}
