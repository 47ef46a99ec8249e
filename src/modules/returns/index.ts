import { defineCapability } from '../../capability.ts'
import { paths } from '../../web/paths.ts'
import { completenessRoutes } from './completeness.routes.ts'
import { createCompletenessService, sendReturnReminders } from './completeness.service.ts'
import { returnsRoutes } from './returns.routes.ts'
import { createReturnsService } from './returns.service.ts'
import { returnsUploadRoutes } from './upload/returns-upload.routes.ts'
import { createReturnsUploadService } from './upload/returns-upload.service.ts'

export { importCapacityTracker } from './capacity-tracker.service.ts'
export type { ReturnsService } from './returns.service.ts'

// Situation returns: the dataset, the provider's form, uploads, completeness and reminders.
export const returns = defineCapability()({
  name: 'returns',
  services: ({ db, clock }) => {
    const returns = createReturnsService({ db, clock })
    return {
      returns,
      returnsUpload: createReturnsUploadService({ db, clock, returns }),
      completeness: createCompletenessService({ db, clock }),
    }
  },
  routes: async (app, { returns, returnsUpload, completeness }) => {
    await app.register(completenessRoutes, { completeness })
    await app.register(returnsRoutes, { returns })
    await app.register(returnsUploadRoutes, { upload: returnsUpload })
  },
  jobs: ({ clock, config }) => [
    {
      name: 'return-reminders',
      lockKey: 7_002,
      intervalSeconds: 300,
      run: (db) => sendReturnReminders(db, clock, config.baseUrl),
    },
  ],
  navigation: (actor) =>
    actor.role !== 'provider_manager' ? [{ href: paths.completeness(), text: 'Returns', order: 40 }] : [],
})
