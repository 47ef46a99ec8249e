import { z } from 'zod'
import { requiredText } from '../../web/form-schema.ts'
import { typedText } from './form-fields.ts'

// The sign-in pages' forms, one Zod schema each, with the GOV.UK words of each field's error.

// An e-mail address to sign in with is looked up, never stored: no limit beyond the request's own.
const requestLimit = 1_048_576

export const signInForm = z.object({
  email: requiredText(
    { missing: 'Enter your e-mail address', tooLong: 'Enter your e-mail address' },
    requestLimit,
  ),
  // Never trimmed: spaces at either end are part of a password.
  password: typedText().pipe(z.string().min(1, { error: 'Enter your password' })),
  // As typed: sign-in.routes.ts refuses a return path with whitespace in it.
  returnTo: typedText(),
})
export const signInMessages = {
  email: 'Enter your e-mail address',
  password: 'Enter your password',
  returnTo: 'Enter a path on this service',
}

export const forgotPasswordForm = z.object({
  email: requiredText(
    { missing: 'Enter your e-mail address', tooLong: 'Enter your e-mail address' },
    requestLimit,
  ),
})
export const forgotPasswordMessages = { email: 'Enter your e-mail address' }

// The password's rules need the account (it must not contain the e-mail name): the service checks them.
export const setPasswordForm = z.object({ password: typedText(), confirmPassword: typedText() })
export const setPasswordMessages = {
  password: 'Enter a password',
  confirmPassword: 'Enter the password again',
}

// A code from an authenticator app or a recovery code: the service reads what was typed.
export const twoStepCodeForm = z.object({ code: typedText(), returnTo: typedText() })
export const twoStepCodeMessages = { code: 'Enter the code', returnTo: 'Enter a path on this service' }

// The set-up page's code, with the key it was shown for, sealed (two-step-key-being-set-up.ts).
export const twoStepSetUpForm = twoStepCodeForm.extend({ keyBeingSetUp: typedText() })
export const twoStepSetUpMessages = {
  ...twoStepCodeMessages,
  keyBeingSetUp: 'Add the key on this page to your authenticator app, then enter the code it shows',
}
