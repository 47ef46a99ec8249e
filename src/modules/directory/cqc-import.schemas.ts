import { z } from 'zod'
import type { FormMessages } from '../../web/form-schema.ts'
import { postedText } from './directory.schemas.ts'

// The questions beside a CQC file (its file is read by src/web/uploads.ts): which locations to take,
// a council's name or '*' for every location in the file, and whether to close those missing from it.
export const importUploadForm = z.object({
  area: z.preprocess(
    postedText,
    z
      .string()
      .min(1, { error: 'Select which locations to import' })
      .transform((area) => (area === '*' ? null : area)),
  ),
  closeMissing: z.preprocess(
    postedText,
    z.string().transform((answer) => answer === 'yes'),
  ),
})

export const importUploadMessages: FormMessages<typeof importUploadForm> = {
  area: 'Select which locations to import',
  closeMissing: 'Select whether to close locations missing from the file',
}
