import { z } from 'zod'
import { textLimits } from '../../domain/text-limits.ts'
import { requiredText } from '../../web/form-schema.ts'

// The form that makes an API token: its name, so that a provider can tell its tokens apart.
export const tokenForm = z.object({
  name: requiredText(
    {
      missing: 'Enter a name for the token',
      tooLong: `Name must be ${textLimits.tokenName.toLocaleString('en-GB')} characters or fewer`,
    },
    textLimits.tokenName,
  ),
})

export const tokenFormMessages = { name: 'Enter a name for the token' }
