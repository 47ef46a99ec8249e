import type { Services } from '../composition.ts'
import type { Outcome } from '../domain/outcome.ts'
import type { CommandUserInput } from '../modules/access/index.ts'

// `carehub user create` and `carehub user reset-password`: the users service does the work (the same
// invitation and password link as the web); this only names the option each problem is about.

const optionFor: Record<string, string> = {
  email: '--email',
  name: '--name',
  role: '--role',
  organisation: '--organisation',
  onsCode: '--ons-code',
}

function valueOrProblems<T>(outcome: Outcome<T>): T {
  if (outcome.ok) return outcome.value
  const problems = Object.entries(outcome.errors).map(
    ([field, message]) => `${optionFor[field] ?? field}: ${message}`,
  )
  throw new Error(problems.join('\n'))
}

// The first admin of a production install comes from here: no account ever has a known password.
export async function createUserByCommand(services: Services, input: CommandUserInput) {
  return valueOrProblems(await services.users.createUserByCommand(input))
}

export async function resetPasswordByCommand(services: Services, email: string) {
  return valueOrProblems(await services.users.resetPasswordByCommand(email))
}

export async function resetTwoStepByCommand(services: Services, email: string) {
  return valueOrProblems(await services.users.resetTwoStepByCommand(email))
}
