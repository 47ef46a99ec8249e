import path from 'node:path'
import { fileURLToPath } from 'node:url'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance } from 'fastify'

const govukDist = path.join(
  path.dirname(fileURLToPath(import.meta.resolve('govuk-frontend/package.json'))),
  'dist',
  'govuk',
)
const ownPublic = path.join(path.dirname(fileURLToPath(import.meta.url)), 'public')

// Where the static assets are served from: the only responses a browser may cache (see no-store.ts).
export const staticPrefixes = ['/assets/', '/stylesheets/', '/javascripts/', '/public/'] as const

export async function setUpStaticFiles(app: FastifyInstance) {
  const maxAge = 3_600_000
  await app.register(fastifyStatic, { root: path.join(govukDist, 'assets'), prefix: '/assets/', maxAge })
  await app.register(fastifyStatic, {
    root: govukDist,
    prefix: '/stylesheets/',
    decorateReply: false,
    allowedPath: (p) => p === '/govuk-frontend.min.css' || p === '/govuk-frontend.min.css.map',
    maxAge,
  })
  await app.register(fastifyStatic, {
    root: govukDist,
    prefix: '/javascripts/',
    decorateReply: false,
    allowedPath: (p) => p === '/govuk-frontend.min.js' || p === '/govuk-frontend.min.js.map',
    maxAge,
  })
  await app.register(fastifyStatic, { root: ownPublic, prefix: '/public/', decorateReply: false, maxAge })
}
