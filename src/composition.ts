import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import type { Config } from './config.ts'
import { createDatabase, type Db, databaseTargetFromConfig } from './db/database.ts'
import { type Clock, systemClock } from './domain/clock.ts'
import { createOrganisationService } from './modules/access/organisations.service.ts'
import { createSignInService } from './modules/access/sign-in.service.ts'
import { createUserService } from './modules/access/users.service.ts'
import { createApiService } from './modules/api/api.service.ts'
import { createAuditService } from './modules/audit/audit.service.ts'
import { createCaseworkService } from './modules/casework/casework.service.ts'
import {
  fileTransport,
  type MailTransport,
  notifyTransport,
  smtpTransport,
} from './modules/comms/mail-transports.ts'
import { createOutboxService } from './modules/comms/outbox.service.ts'
import { createContactLogService } from './modules/contact-log/contact-log.service.ts'
import { createDashboardService } from './modules/dashboards/dashboard.service.ts'
import { createDashboardExportService } from './modules/dashboards/exports.service.ts'
import { createCqcImportService } from './modules/directory/cqc-import.service.ts'
import { createDirectoryService } from './modules/directory/directory.service.ts'
import { createLocationEditService } from './modules/directory/location-edit.service.ts'
import { createRiskRulesService } from './modules/early-warning/risk-rules.service.ts'
import { createEnquiryService } from './modules/enquiries/enquiries.service.ts'
import { createCompletenessService } from './modules/returns/completeness.service.ts'
import { createReturnsService } from './modules/returns/returns.service.ts'
import { createReturnsUploadService } from './modules/returns/upload/returns-upload.service.ts'

// The only place that creates concrete things. Tests call buildServices with their own db, clock and transport.
export function buildServices(deps: {
  db: Db
  clock: Clock
  config: Config
  mailTransport: MailTransport
  cookieSecret: string
}) {
  const { db, clock, config } = deps
  const contactLog = createContactLogService({ db, clock })
  return {
    ...deps,
    signIn: createSignInService({ db, clock }),
    users: createUserService({ db, clock, baseUrl: config.baseUrl }),
    organisations: createOrganisationService({ db, clock }),
    audit: createAuditService({ db }),
    outbox: createOutboxService({ db, clock }),
    directory: createDirectoryService({ db, clock }),
    cqcImports: createCqcImportService({ db, clock }),
    locationEdits: createLocationEditService({ db, clock }),
    returns: createReturnsService({ db, clock }),
    api: createApiService({ db, clock }),
    returnsUpload: createReturnsUploadService({ db, clock, returns: createReturnsService({ db, clock }) }),
    completeness: createCompletenessService({ db, clock }),

    enquiries: createEnquiryService({ db, clock, baseUrl: config.baseUrl }),
    casework: createCaseworkService({ db, clock }),
    riskRules: createRiskRulesService({ db, clock }),
    dashboards: createDashboardService({ db, clock }),
    contactLog,
    dashboardExports: createDashboardExportService({ db, contactLog }),
  }
}

export type Services = ReturnType<typeof buildServices>

export async function createMailTransport(config: Config): Promise<MailTransport> {
  switch (config.mail.transport) {
    case 'smtp':
      return smtpTransport(config.mail.smtpUrl!, config.mail.from)
    case 'notify':
      return notifyTransport(config.mail.notifyApiKey!, config.mail.notifyTemplateId!)
    default:
      return fileTransport(path.join(config.dataDir, 'mail'), config.mail.from)
  }
}

// Without COOKIE_SECRET, a random secret is made once and kept beside the embedded database.
export function cookieSecretFor(config: Config): string {
  if (config.cookieSecret) return config.cookieSecret
  const file = path.join(config.dataDir, 'cookie-secret')
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim()
  fs.mkdirSync(config.dataDir, { recursive: true })
  const secret = randomBytes(32).toString('hex')
  fs.writeFileSync(file, secret, { mode: 0o600 })
  return secret
}

export async function composeFromConfig(config: Config): Promise<Services> {
  const db = createDatabase(databaseTargetFromConfig(config))
  return buildServices({
    db,
    clock: systemClock,
    config,
    mailTransport: await createMailTransport(config),
    cookieSecret: cookieSecretFor(config),
  })
}
