// Typed URL builders: every link and redirect is built here, never typed as a string elsewhere.
export const paths = {
  home: () => '/',
  signIn: () => '/sign-in',
  accessibility: () => '/accessibility',
  cookies: () => '/cookies',
  privacy: () => '/privacy',
} as const
