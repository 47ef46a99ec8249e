import { linkBuilders, pagePath } from './page-path.ts'

// The shell's own pages (the rest are each capability's, in its `*.paths.ts`): one definition each,
// whose pattern the route uses and whose builder every link uses.
export const webPaths = {
  home: pagePath('/'),
  signIn: pagePath('/sign-in'),
  accessibility: pagePath('/accessibility'),
  cookies: pagePath('/cookies'),
  privacy: pagePath('/privacy'),
  // For load balancers, not people.
  health: pagePath('/healthz'),
  readiness: pagePath('/readyz'),
}

export const paths = linkBuilders(webPaths)
