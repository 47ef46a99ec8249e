import { pagePath } from '../../web/page-path.ts'

// The resource pack's and the events' pages.
export const resourcePackPaths = {
  resources: pagePath('/resources'),
  newResource: pagePath('/resources/new'),
  resource: pagePath('/resources/:id'),
  newResourceVersion: pagePath('/resources/:id/versions'),
  events: pagePath('/events'),
  newEvent: pagePath('/events/new'),
  event: pagePath('/events/:id'),
  eventSignUp: pagePath('/events/:id/sign-up'),
  eventAttendance: pagePath('/events/:id/attendance'),
  eventQuestions: pagePath('/events/:id/questions'),
  eventQuestionToFaq: pagePath('/events/:id/questions/:questionId/faq'),
}
