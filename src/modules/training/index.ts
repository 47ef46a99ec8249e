import { defineCapability } from '../../capability.ts'
import { mayReadTraining } from './domain/training.rules.ts'
import { trainingPaths } from './training.paths.ts'
import { trainingRouteAccess } from './training.route-access.ts'
import { trainingRoutes } from './training.routes.ts'
import { createTrainingService } from './training.service.ts'

export { ipcKinds, trainingKindNames, uptakeStatusNames } from './domain/training.rules.ts'
export { trainingAuditActions } from './training.audit-actions.ts'
export { trainingPaths } from './training.paths.ts'
export type { TrainingService } from './training.service.ts'
export type {
  TrainerRating,
  TrainingFeedbackTable,
  TrainingKind,
  TrainingLicenceImportTable,
  TrainingLicenceTable,
  TrainingOfferTable,
  TrainingUptakeTable,
  UptakeStatus,
} from './training.tables.ts'
export { loadDemoTraining } from './training-demo.ts'
export {
  elearningLicences,
  ipcTrainingAttendees,
  ipcTrainingResponses,
  trainingFeedback,
  trainingOffersOf,
} from './training-measures.ts'

// Training offered to providers: uptake, e-learning licences from the platform's CSV, and feedback.
export const training = defineCapability()({
  name: 'training',
  // Who may reach each of its routes (the route-table suite checks it).
  routeAccess: trainingRouteAccess,
  services: ({ db, clock }) => ({ training: createTrainingService({ db, clock }) }),
  routes: async (app, { training }) => {
    await app.register(trainingRoutes, { training })
  },
  paths: trainingPaths,
  navigation: (actor) =>
    mayReadTraining(actor) ? [{ href: trainingPaths.training.build(), text: 'Training', order: 86 }] : [],
})
