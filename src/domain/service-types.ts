// The kinds of adult social care service CareHub tracks.
export const serviceTypes = [
  'care_home_nursing',
  'care_home_residential',
  'home_care',
  'supported_living',
  'extra_care',
  'other',
] as const

export type ServiceType = (typeof serviceTypes)[number]

export const serviceTypeNames: Record<ServiceType, string> = {
  care_home_nursing: 'Care home with nursing',
  care_home_residential: 'Care home without nursing',
  home_care: 'Home care agency',
  supported_living: 'Supported living',
  extra_care: 'Extra care housing',
  other: 'Other adult social care',
}

export function isCareHome(type: string): boolean {
  return type === 'care_home_nursing' || type === 'care_home_residential'
}
