import { pagePath, pagePathWith } from '../../web/page-path.ts'

// The pages of nil returns and agreed exceptions (part of returnsPaths).
export const nilAndExceptionPaths = {
  // "Nothing to report" for a location's current period.
  nilReturn: pagePath('/locations/:id/returns/nothing-to-report'),
  // A location's agreed exceptions and their history; `granted`/`ended`: what was just done.
  returnExceptions: pagePathWith(
    '/locations/:id/return-exceptions',
    (id: string, done?: 'granted' | 'ended') =>
      done
        ? `/locations/${encodeURIComponent(id)}/return-exceptions?${done}=1`
        : `/locations/${encodeURIComponent(id)}/return-exceptions`,
  ),
  newReturnException: pagePath('/locations/:id/return-exceptions/new'),
  endReturnException: pagePath('/return-exceptions/:id/end'),
}
