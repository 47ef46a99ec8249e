// Typed URL builders: every link and redirect is built here, never typed as a string elsewhere.
export const paths = {
  home: () => '/',
  signIn: () => '/sign-in',
  locationReturns: (id: string) => `/locations/${id}/returns`,
  newReturn: (id: string) => `/locations/${id}/returns/new`,
  checkReturn: (id: string) => `/locations/${id}/returns/check`,
  nothingChanged: (id: string) => `/locations/${id}/returns/nothing-changed`,
  situationReturn: (id: string) => `/returns/${id}`,
  completeness: () => '/returns/completeness',
  recordChase: () => '/returns/completeness/chase',
  amendReturn: (id: string) => `/returns/${id}/amend`,
  returnsUpload: () => '/returns/upload',
  returnsUploadTemplate: (format: 'csv' | 'xlsx') => `/returns/upload/template.${format}`,
  accessibility: () => '/accessibility',
  cookies: () => '/cookies',
  privacy: () => '/privacy',
} as const
