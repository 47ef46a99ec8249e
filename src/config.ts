import path from 'node:path'
import { z } from 'zod'

// The only reader of process.env. Fails fast: a bad setting stops the process at start-up.
const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  BASE_URL: z.string().url().optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  DATA_DIR: z.string().default('./data'),
  DEMO: z.enum(['auto', 'on', 'off']).default('auto'),
  COOKIE_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  TRUST_PROXY: z.enum(['true', 'false']).default('false'),
  COOKIE_SECURE: z.enum(['auto', 'true', 'false']).default('auto'),
  MAIL_TRANSPORT: z.enum(['file', 'smtp', 'notify']).default('file'),
  MAIL_FROM: z.string().default('CareHub <no-reply@carehub.example>'),
  SMTP_URL: z.string().optional(),
  NOTIFY_API_KEY: z.string().optional(),
  NOTIFY_TEMPLATE_ID: z.string().optional(),
  // The bearer token GOV.UK Notify sends with its delivery receipts (set the same in Notify's callback).
  NOTIFY_CALLBACK_TOKEN: z.string().min(10, 'must be at least 10 characters').optional(),
  OUTBOX_INTERVAL_SECONDS: z.coerce.number().int().min(1).default(15),
  SIGN_IN_RATE_LIMIT: z.coerce.number().int().min(1).default(20),
  API_READ_RATE_LIMIT: z.coerce.number().int().min(1).default(120),
  // Web worker processes: 1, a number, or auto (one per core); more than one needs PostgreSQL.
  WORKERS: z
    .string()
    .regex(/^(auto|[1-9][0-9]?)$/, 'must be auto or a number from 1 to 99')
    .default('1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // Where pg_dump and pg_restore are, when not on the PATH (carehub backup and restore on PostgreSQL).
  PG_BIN_DIR: z.string().optional(),
  // How long personal data is kept, in days (the retention job, src/modules/retention).
  RETENTION_WELFARE_DAYS: z.coerce.number().int().min(1).default(90),
  RETENTION_STAFFING_POOL_DAYS: z.coerce.number().int().min(1).default(365),
  RETENTION_CONTACT_NAMES_DAYS: z.coerce.number().int().min(1).default(730),
  // Single sign-on for one organisation, set here instead of on its admin page (src/modules/single-sign-on).
  SSO_ORGANISATION_ID: z.string().uuid('must be an organisation id').optional(),
  SSO_ORGANISATION_ONS_CODE: z
    .string()
    .regex(/^[A-Z][0-9]{8}$/, 'must be an ONS code like E10000001')
    .optional(),
  SSO_ISSUER: z.string().url().optional(),
  SSO_CLIENT_ID: z.string().min(1).optional(),
  SSO_CLIENT_SECRET: z.string().min(1).optional(),
  SSO_GROUPS_CLAIM: z.string().min(1).default('groups'),
  SSO_GROUP_ROLES: z
    .string()
    .regex(
      /^\s*[^=,]+=[a-z_]+\s*(,\s*[^=,]+=[a-z_]+\s*)*$/,
      'must be like carehub-admins=admin,carehub-officers=council_officer',
    )
    .optional(),
  SSO_PASSWORD_SIGN_IN: z.enum(['on', 'off']).default('on'),
})

export type Config = {
  env: 'development' | 'test' | 'production'
  host: string
  port: number
  baseUrl: string
  databaseUrl: string | undefined
  databasePoolSize: number
  dataDir: string
  demo: 'auto' | 'on' | 'off'
  cookieSecret: string | undefined
  trustProxy: boolean
  cookieSecure: 'auto' | boolean
  mail: {
    transport: 'file' | 'smtp' | 'notify'
    from: string
    smtpUrl: string | undefined
    notifyApiKey: string | undefined
    notifyTemplateId: string | undefined
    notifyCallbackToken: string | undefined
  }
  outboxIntervalSeconds: number
  signInRateLimit: number
  // Requests a minute to the read API (/api/v1/market) per token, in each instance.
  apiReadRateLimit: number
  logLevel: string
  workers: number | 'auto'
  postgresBinDir: string | undefined
  retention: RetentionPeriods
  singleSignOn: SingleSignOnFromEnvironment | null
}

// One organisation's single sign-on, from SSO_* (its admin page then shows it and cannot change it).
export type SingleSignOnFromEnvironment = {
  organisation: { id: string } | { onsCode: string }
  issuerUrl: string
  clientId: string
  clientSecret: string
  groupsClaim: string
  groupRoles: string
  passwordSignInOff: boolean
}

// Days personal data is kept: welfare checks' details after the check ends, a staffing pool person's
// details after they were last active (changed, free, or deployed), the name of whoever a contact spoke to
// after the contact.
export type RetentionPeriods = { welfareDays: number; staffingPoolDays: number; contactNamesDays: number }

export class ConfigError extends Error {}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = configSchema.safeParse(env)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')
    throw new ConfigError(`Invalid configuration: ${problems}`)
  }
  const e = parsed.data
  if (e.MAIL_TRANSPORT === 'smtp' && !e.SMTP_URL) throw new ConfigError('MAIL_TRANSPORT=smtp needs SMTP_URL')
  if (e.MAIL_TRANSPORT === 'notify' && !(e.NOTIFY_API_KEY && e.NOTIFY_TEMPLATE_ID)) {
    throw new ConfigError('MAIL_TRANSPORT=notify needs NOTIFY_API_KEY and NOTIFY_TEMPLATE_ID')
  }
  if (e.NODE_ENV === 'production' && e.DATABASE_URL && !e.COOKIE_SECRET) {
    throw new ConfigError(
      'COOKIE_SECRET is required in production on PostgreSQL (all instances must share it)',
    )
  }
  if (e.WORKERS !== '1' && !e.DATABASE_URL) {
    throw new ConfigError('WORKERS needs DATABASE_URL: the embedded database belongs to one process')
  }
  if (e.NODE_ENV === 'production' && !e.BASE_URL) {
    throw new ConfigError('BASE_URL is required in production (links in e-mails are built from it)')
  }
  return {
    singleSignOn: singleSignOnFrom(e),
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    baseUrl: (e.BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    dataDir: path.resolve(e.DATA_DIR),
    demo: e.DEMO,
    cookieSecret: e.COOKIE_SECRET,
    trustProxy: e.TRUST_PROXY === 'true',
    cookieSecure: e.COOKIE_SECURE === 'auto' ? 'auto' : e.COOKIE_SECURE === 'true',
    mail: {
      transport: e.MAIL_TRANSPORT,
      from: e.MAIL_FROM,
      smtpUrl: e.SMTP_URL,
      notifyApiKey: e.NOTIFY_API_KEY,
      notifyTemplateId: e.NOTIFY_TEMPLATE_ID,
      notifyCallbackToken: e.NOTIFY_CALLBACK_TOKEN,
    },
    outboxIntervalSeconds: e.OUTBOX_INTERVAL_SECONDS,
    signInRateLimit: e.SIGN_IN_RATE_LIMIT,
    apiReadRateLimit: e.API_READ_RATE_LIMIT,
    logLevel: e.LOG_LEVEL,
    workers: e.WORKERS === 'auto' ? 'auto' : Number(e.WORKERS),
    postgresBinDir: e.PG_BIN_DIR,
    retention: {
      welfareDays: e.RETENTION_WELFARE_DAYS,
      staffingPoolDays: e.RETENTION_STAFFING_POOL_DAYS,
      contactNamesDays: e.RETENTION_CONTACT_NAMES_DAYS,
    },
  }
}

function singleSignOnFrom(e: z.infer<typeof configSchema>): SingleSignOnFromEnvironment | null {
  const given = [e.SSO_ISSUER, e.SSO_CLIENT_ID, e.SSO_CLIENT_SECRET, e.SSO_GROUP_ROLES]
  const organisation = e.SSO_ORGANISATION_ID
    ? { id: e.SSO_ORGANISATION_ID }
    : e.SSO_ORGANISATION_ONS_CODE
      ? { onsCode: e.SSO_ORGANISATION_ONS_CODE }
      : null
  if (!organisation && given.every((v) => v === undefined)) return null
  if (!organisation || given.some((v) => v === undefined))
    throw new ConfigError(
      'Single sign-on needs SSO_ORGANISATION_ID (or SSO_ORGANISATION_ONS_CODE), SSO_ISSUER, SSO_CLIENT_ID, SSO_CLIENT_SECRET and SSO_GROUP_ROLES',
    )
  return {
    organisation,
    issuerUrl: e.SSO_ISSUER!,
    clientId: e.SSO_CLIENT_ID!,
    clientSecret: e.SSO_CLIENT_SECRET!,
    groupsClaim: e.SSO_GROUPS_CLAIM,
    groupRoles: e.SSO_GROUP_ROLES!,
    passwordSignInOff: e.SSO_PASSWORD_SIGN_IN === 'off',
  }
}

// Whether the demo county loads on an empty database: by default only on the embedded database.
export function shouldLoadDemo(config: Config): boolean {
  if (config.demo === 'on') return true
  if (config.demo === 'off') return false
  return config.databaseUrl === undefined
}
