import Fastify from 'fastify'
import { describe, expect, it } from 'vitest'
import { isStaticFile, logFormatFor, loggedPath, loggingOptions, readableLine } from './request-log.ts'
import { setUpStaticFiles } from './static.ts'

// A server with CareHub's static files and a few pages, logging as the options say into `lines`.
async function serverLogging(format: 'lines' | 'json') {
  const lines: string[] = []
  const app = Fastify(loggingOptions({ logLevel: 'info' }, format, (text) => lines.push(text)))
  await setUpStaticFiles(app)
  app.get('/locations', async () => 'the locations')
  app.get('/reset-password/:token', async () => 'choose a password')
  app.get('/broken', async () => {
    throw new Error('the database went away')
  })
  await app.ready()
  return { app, lines }
}

const browse = async (app: Awaited<ReturnType<typeof serverLogging>>['app']) => {
  for (const url of [
    '/locations?page=2',
    '/stylesheets/govuk-frontend.min.css',
    '/javascripts/govuk-frontend.min.js',
    '/assets/images/favicon.ico',
    '/assets/fonts/light-94a07e06a1-v2.woff2',
    '/assets/manifest.json',
    '/public/carehub.css',
    '/favicon.ico',
    '/reset-password/secret-token-123',
    '/nowhere',
  ])
    expect((await app.inject(url)).statusCode, url).not.toBe(500)
}

describe('request logging', () => {
  it('chooses readable lines only in development on a terminal, JSON in production or into a pipe', () => {
    expect(logFormatFor('development', true)).toBe('lines')
    expect(logFormatFor('test', true)).toBe('lines')
    expect(logFormatFor('development', false)).toBe('json')
    expect(logFormatFor('production', true)).toBe('json')
    expect(logFormatFor('production', false)).toBe('json')
  })

  it('in development, logs a page view as one readable line and static files not at all', async () => {
    const { app, lines } = await serverLogging('lines')
    await browse(app)
    await app.close()
    const requests = lines.join('').trimEnd().split('\n')
    expect(requests).toHaveLength(3)
    expect(requests[0]).toMatch(/^\d\d:\d\d:\d\d GET \/locations 200 \d+ ms$/)
    // A link's secret token is masked; an unknown page is its one line, with its 404.
    expect(requests[1]).toMatch(/^\d\d:\d\d:\d\d GET \/reset-password\/\[token\] 200 \d+ ms$/)
    expect(requests[2]).toMatch(/^\d\d:\d\d:\d\d GET \/nowhere 404 \d+ ms$/)
    expect(lines.join('')).not.toContain('secret-token-123')
  })

  it('in development, shows a failed request’s line as an error with its stack', async () => {
    const { app, lines } = await serverLogging('lines')
    expect((await app.inject('/broken')).statusCode).toBe(500)
    await app.close()
    const text = lines.join('')
    expect(text).toMatch(/^\d\d:\d\d:\d\d ERROR /m)
    expect(text).toMatch(/GET \/broken 500 \d+ ms/)
    expect(text).toContain('Error: the database went away\n    at ')
  })

  it('in production, keeps one JSON object a line for every request, static files too', async () => {
    const { app, lines } = await serverLogging('json')
    await browse(app)
    await app.close()
    const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>)
    const incoming = records.filter((r) => r.msg === 'incoming request').map((r) => r.req)
    expect(incoming).toContainEqual(expect.objectContaining({ method: 'GET', path: '/locations' }))
    expect(incoming).toContainEqual(expect.objectContaining({ path: '/stylesheets/govuk-frontend.min.css' }))
    expect(incoming).toContainEqual(expect.objectContaining({ path: '/reset-password/[token]' }))
    expect(records.filter((r) => r.msg === 'request completed')).toHaveLength(10)
    expect(lines.join('')).not.toContain('secret-token-123')
  })

  it('reads any log record as one line: the level above info, other fields after the message', () => {
    const time = Date.UTC(2020, 3, 14, 9, 5, 7)
    expect(
      readableLine(
        JSON.stringify({
          level: 30,
          time,
          pid: 1,
          hostname: 'h',
          msg: 'database migrated',
          migrations: ['0042'],
        }),
      ),
    ).toBe('10:05:07 database migrated {"migrations":["0042"]}')
    expect(readableLine(JSON.stringify({ level: 40, time, msg: 'database unavailable' }))).toBe(
      '10:05:07 WARN database unavailable',
    )
    expect(readableLine('not json\n')).toBe('not json')
  })

  it('counts as static only the files served under the static prefixes and the favicon', () => {
    expect(isStaticFile('/assets/fonts/bold.woff2?v=1')).toBe(true)
    expect(isStaticFile('/favicon.ico')).toBe(true)
    expect(isStaticFile('/locations/assets')).toBe(false)
    expect(isStaticFile('/')).toBe(false)
  })

  it('masks the secret token of every link sent by e-mail, and drops every query string', () => {
    expect(loggedPath('/reset-password/abc123')).toBe('/reset-password/[token]')
    expect(loggedPath('/accept-invitation/abc123/')).toBe('/accept-invitation/[token]/')
    // A bulletin's read receipt link (bulletins' paths): its token says who read it.
    expect(loggedPath('/bulletins/read/abc123')).toBe('/bulletins/read/[token]')
    expect(loggedPath('/bulletins/5f0c')).toBe('/bulletins/5f0c')
    expect(loggedPath('/locations?search=Alder')).toBe('/locations')
  })
})
