import { pagePath } from '../../web/page-path.ts'

// The surveys' pages: each pattern is its route's, and every link is built from it.
export const surveysPaths = {
  surveys: pagePath('/surveys'),
  newSurvey: pagePath('/surveys/new'),
  survey: pagePath('/surveys/:id'),
  surveyQuestion: pagePath('/surveys/:id/questions/:n'),
  checkSurveyAnswers: pagePath('/surveys/:id/check'),
  surveyDone: pagePath('/surveys/:id/done'),
  surveyResults: pagePath('/surveys/:id/results'),
  surveyResultsCsv: pagePath('/surveys/:id/results.csv'),
  surveyResultsXlsx: pagePath('/surveys/:id/results.xlsx'),
  remindSurvey: pagePath('/surveys/:id/remind'),
}
