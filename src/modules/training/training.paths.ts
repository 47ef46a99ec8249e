import { pagePath } from '../../web/page-path.ts'

// Training's pages: each pattern is its route's, and every link is built from it.
export const trainingPaths = {
  training: pagePath('/training'),
  newTrainingOffer: pagePath('/training/offers/new'),
  trainingOffer: pagePath('/training/offers/:id'),
  recordUptake: pagePath('/training/offers/:id/uptake'),
  recordFeedback: pagePath('/training/offers/:id/feedback'),
  importLicences: pagePath('/training/offers/:id/licences'),
}
