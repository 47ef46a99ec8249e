import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import type { CoreDeps } from './capability.ts'
import type { Config } from './config.ts'
import { createDatabase, databaseTargetFromConfig } from './db/database.ts'
import { systemClock } from './domain/clock.ts'
import { fileTransport, type MailTransport, notifyTransport, smtpTransport } from './modules/comms/index.ts'
import { type CapabilityServices, capabilities, contributionsOf, extensionContributions } from './modules.ts'

// The only place that creates concrete things. Tests call buildServices with their own db, clock and transport.
export function buildServices(deps: CoreDeps): Services {
  // Each capability's services are built on the deps, what the others contribute to its extension points
  // and the services of the capabilities above it.
  const services: Record<string, unknown> = { ...deps, contributions: extensionContributions() }
  for (const capability of capabilities) {
    if (!capability.services) continue
    // A capability may use only services built above it: anything else fails here, not at a request.
    const available = new Proxy(services, {
      get: (built, name: string) => {
        if (!(name in built))
          throw new Error(`${capability.name} uses ${name}, not built above it in src/modules.ts`)
        return built[name]
      },
    })
    const provided = capability.services(available as never) as Record<string, unknown>
    for (const [name, service] of Object.entries(provided)) {
      if (name in services)
        throw new Error(`${capability.name} provides ${name}, which another capability also provides`)
      services[name] = service
    }
  }
  // What capabilities show on one another's pages, from the services just built.
  Object.assign(services, contributionsOf(services as Services))
  return services as Services
}

export type Services = CoreDeps & CapabilityServices

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
