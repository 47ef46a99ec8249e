// The letter to people who receive care: a council's text with merge fields, filled for one provider.
// Pure: text in, text out.

export const mergeFields = ['providerName', 'councilName', 'councilPhone', 'outOfHoursPhone', 'date'] as const
export type MergeValues = Record<(typeof mergeFields)[number], string>

export const defaultLetter = [
  'Dear {{providerName}} customer,',
  '',
  '{{councilName}} is working with {{providerName}} to keep your care going safely during the outbreak.',
  'If you are worried about your care, or your carer does not arrive, call the council on {{councilPhone}} (weekdays) or {{outOfHoursPhone}} (evenings and weekends).',
  '',
  'Yours sincerely,',
  '{{councilName}} adult social care',
].join('\n')

// Fields not known stay as typed, so a typing mistake shows in the letter rather than vanishing.
export function mergeLetter(template: string, values: MergeValues): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) =>
    (mergeFields as readonly string[]).includes(name) ? values[name as keyof MergeValues] : whole,
  )
}

// An unknown field named in a template, for the officer to correct before saving.
export function unknownFields(template: string): string[] {
  return [...template.matchAll(/\{\{\s*(\w+)\s*\}\}/g)]
    .map((m) => m[1]!)
    .filter((name) => !(mergeFields as readonly string[]).includes(name))
}
