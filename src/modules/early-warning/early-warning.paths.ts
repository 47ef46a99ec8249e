import { pagePath } from '../../web/page-path.ts'

// Early warning's pages: each pattern is its route's, each builder its links' (templates: paths.riskRules.x).
export const earlyWarningPaths = {
  riskRules: {
    list: pagePath('/risk-rules'),
    new: pagePath('/risk-rules/new'),
    newPreview: pagePath('/risk-rules/new/preview'),
    rule: pagePath('/risk-rules/:id'),
    edit: pagePath('/risk-rules/:id/edit'),
    preview: pagePath('/risk-rules/:id/preview'),
    disable: pagePath('/risk-rules/:id/disable'),
    enable: pagePath('/risk-rules/:id/enable'),
  },
}
