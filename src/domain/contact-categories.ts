// The subjects a contact or an enquiry is about, in the users' words. Shared by the contact log,
// enquiries and the FAQ, so that trends and searches use one list.
export const contactCategories = [
  'ppe',
  'staffing',
  'infection_control',
  'finance',
  'safeguarding',
  'guidance',
  'other',
] as const

export type ContactCategory = (typeof contactCategories)[number]

export const contactCategoryNames: Record<ContactCategory, string> = {
  ppe: 'PPE',
  staffing: 'Staffing',
  infection_control: 'Infection control and testing',
  finance: 'Finance',
  safeguarding: 'Safeguarding',
  guidance: 'Guidance',
  other: 'Other',
}

export function isContactCategory(value: unknown): value is ContactCategory {
  return typeof value === 'string' && (contactCategories as readonly string[]).includes(value)
}
