import { defineCapability } from '../../capability.ts'
import { can } from '../../domain/policy.ts'
import { createAttachmentService } from './attachments.service.ts'
import { bulletinsPaths } from './bulletins.paths.ts'
import { bulletinsRouteAccess } from './bulletins.route-access.ts'
import { bulletinRoutes } from './bulletins.routes.ts'
import { createBulletinService, sendDueBulletins } from './bulletins.service.ts'
import { createDigestService, sendDailyDigests } from './digests.service.ts'
import { sendImmediateNotices } from './immediate-notices.ts'
import { letterRoutes } from './letters.routes.ts'
import { createLetterService } from './letters.service.ts'

export { audienceLocations, audienceUsers } from './audience.repository.ts'
export { audienceItems } from './audience.view-model.ts'
export { bulletinsAuditActions } from './bulletins.audit-actions.ts'
export { loadDemoBulletins } from './bulletins.demo.ts'
export { bulletinsPaths } from './bulletins.paths.ts'
export { queueBulletin } from './bulletins.repository.ts'
export type { BulletinService } from './bulletins.service.ts'
export { sendDueBulletins, sendingCouncil } from './bulletins.service.ts'
export type {
  BulletinAttachmentTable,
  BulletinListTable,
  BulletinRecipientTable,
  BulletinTable,
  DigestPreferenceTable,
  LetterIssueTable,
  LetterTemplateTable,
} from './bulletins.tables.ts'
export { sendDailyDigests } from './digests.service.ts'
export { sendImmediateNotices } from './immediate-notices.ts'
export { type Audience, audienceFrom, audienceInWords, everyone } from './domain/audience.ts'
export { bulletinHtml, bulletinText } from './domain/markdown.ts'

// Bulletins from a council to an audience of providers, through the outbox, with who read them.
export const bulletins = defineCapability()({
  name: 'bulletins',
  // Who may reach each of its routes (the route-table suite checks it).
  routeAccess: bulletinsRouteAccess,
  services: ({ db, clock, config }) => ({
    bulletins: createBulletinService({ db, clock, baseUrl: config.baseUrl }),
    bulletinAttachments: createAttachmentService({ db, clock }),
    letters: createLetterService({ db, clock }),
    digests: createDigestService({ db, clock }),
  }),
  routes: async (app, { bulletins, bulletinAttachments, letters, digests, clock }) => {
    await app.register(bulletinRoutes, { bulletins, attachments: bulletinAttachments, clock })
    await app.register(letterRoutes, { letters, digests })
  },
  jobs: ({ clock, config }) => [
    {
      name: 'bulletins',
      lockKey: 7_250,
      intervalSeconds: 60,
      run: (db) => sendDueBulletins(db, clock, config.baseUrl),
    },
    {
      name: 'daily-digests',
      lockKey: 7_252,
      intervalSeconds: 900,
      run: (db) => sendDailyDigests(db, clock, config.baseUrl),
    },
    {
      // Enquiry changes and follow-ups due, one e-mail each, to officers on "as they happen".
      name: 'immediate-notices',
      lockKey: 7_253,
      intervalSeconds: 60,
      run: (db) => sendImmediateNotices(db, clock, config.baseUrl),
    },
  ],
  paths: bulletinsPaths,
  // A provider's bulletins on their home page, unread first; at the top while any is unread.
  homePanels:
    ({ bulletins }) =>
    async (actor) => {
      if (actor.role !== 'provider_manager') return null
      const homeBulletins = (await bulletins.inbox(actor)).slice(0, 5)
      if (homeBulletins.length === 0) return null
      return {
        template: 'bulletins/views/home-panel.njk',
        context: { homeBulletins },
        atTop: homeBulletins.some((b) => !b.readAt),
      }
    },
  navigation: (actor) =>
    can(actor, 'communications:send') || can(actor, 'communications:read')
      ? [
          { href: bulletinsPaths.bulletins.build(), text: 'Bulletins', order: 60 },
          { href: bulletinsPaths.letters.build(), text: 'Letters', order: 61 },
        ]
      : [],
})
