import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance, FastifyReply } from 'fastify'
import fp from 'fastify-plugin'
import nunjucks from 'nunjucks'
import { can, type Permission } from '../domain/policy.ts'
import { roleNames } from '../domain/roles.ts'
import { type NavigationFor, navigationItems } from './navigation.ts'
import { paths } from './paths.ts'
import { labelTableCells } from './table-labels.ts'

const here = path.dirname(fileURLToPath(import.meta.url))
const govukDir = path.dirname(fileURLToPath(import.meta.resolve('govuk-frontend/package.json')))

export const serviceName = 'CareHub'

declare module 'fastify' {
  interface FastifyReply {
    render: (template: string, context?: Record<string, unknown>) => FastifyReply
  }
}

export function createViewEnvironment(): nunjucks.Environment {
  const env = new nunjucks.Environment(
    new nunjucks.FileSystemLoader(
      [path.join(here, 'views'), path.join(here, '..', 'modules'), path.join(govukDir, 'dist')],
      {
        noCache: process.env.NODE_ENV === 'development',
      },
    ),
    { autoescape: true, throwOnUndefined: false },
  )
  env.addGlobal('serviceName', serviceName)
  env.addGlobal('roleNames', roleNames)
  env.addFilter('londonDateTime', (value: unknown) => (value ? formatLondon(value, true) : ''))
  env.addFilter('londonDate', (value: unknown) => (value ? formatLondon(value, false) : ''))
  env.addFilter('json', (value: unknown) => JSON.stringify(value, null, 2))
  env.addFilter('number', (value: unknown) =>
    typeof value === 'number' || typeof value === 'string' ? numberFormat.format(Number(value)) : '',
  )
  return env
}

// Made once each: building an Intl formatter costs far more than using one.
const numberFormat = new Intl.NumberFormat('en-GB')
const londonDay = { timeZone: 'Europe/London', day: 'numeric', month: 'long', year: 'numeric' } as const
const londonFormats = {
  date: new Intl.DateTimeFormat('en-GB', londonDay),
  dateTime: new Intl.DateTimeFormat('en-GB', {
    ...londonDay,
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }),
}

function formatLondon(value: unknown, withTime: boolean): string {
  const date = value instanceof Date ? value : new Date(String(value))
  if (Number.isNaN(date.getTime())) return String(value)
  return (withTime ? londonFormats.dateTime : londonFormats.date).format(date)
}

// reply.render(template, context): the layout gets the signed-in user, their navigation and a CSRF token.
export const viewsPlugin = fp(
  async (app: FastifyInstance, options: { navigationFor: NavigationFor; paths: Record<string, unknown> }) => {
    const env = createViewEnvironment()
    // Templates build every link with `paths`: the shell's own and every capability's.
    env.addGlobal('paths', { ...paths, ...options.paths })
    app.decorateReply(
      'render',
      function (this: FastifyReply, template: string, context: Record<string, unknown> = {}) {
        const request = this.request
        const html = env.render(template, {
          currentUser: request.signedInUser,
          actor: request.actor,
          navigation: navigationItems(
            request.actor && options.navigationFor(request.actor),
            request.url.split('?')[0] ?? '/',
          ),
          // `may('returns:report')`: whether the policy lets the signed-in user do it, so that a page shows
          // only the links and buttons that work for them.
          may: (permission: Permission) => (request.actor ? can(request.actor, permission) : false),
          csrfToken: this.generateCsrf(),
          currentPath: request.url,
          ...context,
        })
        return this.type('text/html; charset=utf-8').send(labelTableCells(html))
      },
    )
  },
)
