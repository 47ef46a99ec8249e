import { defineCapability } from '../../capability.ts'
import { can } from '../../domain/policy.ts'
import type { BulletinService } from '../bulletins/index.ts'
import { surveysPaths } from './surveys.paths.ts'
import { surveysRouteAccess } from './surveys.route-access.ts'
import { surveyRoutes } from './surveys.routes.ts'
import { createSurveyService } from './surveys.service.ts'

export { parseQuestions, type SurveyQuestion } from './domain/survey.rules.ts'
export { surveysAuditActions } from './surveys.audit-actions.ts'
export { loadDemoSurveys } from './surveys.demo.ts'
export { surveysPaths } from './surveys.paths.ts'
export type { SurveyService } from './surveys.service.ts'
export type { SurveyResponseTable, SurveyTable } from './surveys.tables.ts'

// Surveys of providers, one question per page, with their results and reminders to non-responders.
export const surveys = defineCapability<{ bulletins: BulletinService }>()({
  name: 'surveys',
  // Who may reach each of its routes (the route-table suite checks it).
  routeAccess: surveysRouteAccess,
  services: ({ db, clock, config }) => ({
    surveys: createSurveyService({ db, clock, baseUrl: config.baseUrl }),
  }),
  routes: async (app, { surveys, bulletins }) => {
    await app.register(surveyRoutes, { surveys, bulletins })
  },
  paths: surveysPaths,
  // A provider's surveys to answer, on their home page.
  homePanels:
    ({ surveys }) =>
    async (actor) => {
      if (actor.role !== 'provider_manager') return null
      const listed = await surveys.list(actor)
      const toAnswer = listed.surveys.filter((s) => 'submitted' in s && !s.submitted)
      return toAnswer.length
        ? { template: 'surveys/views/home-panel.njk', context: { surveysToAnswer: toAnswer } }
        : null
    },
  navigation: (actor) =>
    can(actor, 'communications:send') || can(actor, 'communications:read')
      ? [{ href: surveysPaths.surveys.build(), text: 'Surveys', order: 62 }]
      : [],
})
