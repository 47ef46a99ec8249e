import os from 'node:os'
import path from 'node:path'
import type { FastifyInstance } from 'fastify'
import { createApp } from '../../src/app.ts'
import { buildServices, type Services } from '../../src/composition.ts'
import { loadConfig } from '../../src/config.ts'
import type { Db } from '../../src/db/database.ts'
import { type Clock, fixedClock, systemClock } from '../../src/domain/clock.ts'
import { appCodeAt } from '../../src/modules/access/index.ts'
import type { MailMessage, MailTransport } from '../../src/modules/comms/mail-transports.ts'
import { testCookieSecret, testPassword, testTwoStepKey } from './factories.ts'
import { createTestDatabase, type Engine, type TestDatabase } from './test-database.ts'

// A mail transport the test controls: it records what was sent, and can be made to fail.
export function recordingTransport() {
  const sent: MailMessage[] = []
  let failure: Error | null = null
  const transport: MailTransport & { sent: MailMessage[]; fail: (e: Error | null) => void } = {
    name: 'recording',
    sent,
    fail: (e) => {
      failure = e
    },
    async send(message) {
      if (failure) throw failure
      sent.push(message)
    },
  }
  return transport
}

export type TestApp = {
  app: FastifyInstance
  services: Services
  database: TestDatabase
  clock: ReturnType<typeof fixedClock>
  mail: ReturnType<typeof recordingTransport>
  close: () => Promise<void>
}

// options.db: the app's own database handle instead of the test database's (e.g. a pool reaching it
// through a proxy the test cuts); it is closed with the app. options.beforeReady: hooks a test adds to
// the app before it is ready (the fuzzer's record of what each route reads).
export async function buildTestApp(
  engine: Engine,
  env: Record<string, string> = {},
  options: { db?: (database: TestDatabase) => Db; beforeReady?: (app: FastifyInstance) => void } = {},
): Promise<TestApp> {
  const database = await createTestDatabase(engine)
  const db = options.db ? options.db(database) : database.db
  const clock = fixedClock(new Date('2020-04-14T08:00:00Z'))
  const mail = recordingTransport()
  const config = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: path.join(os.tmpdir(), 'carehub-test'),
    BASE_URL: 'http://carehub.test',
    ...env,
  })
  const services = buildServices({
    db,
    clock,
    config,
    mailTransport: mail,
    cookieSecret: testCookieSecret,
  })
  const app = await createApp(services)
  testApps.set(app, { db, clock })
  options.beforeReady?.(app)
  await app.ready()
  return {
    app,
    services,
    database,
    clock,
    mail,
    close: async () => {
      await app.close()
      if (db !== database.db) await db.destroy()
      await database.drop()
    },
  }
}

// The database and clock of each app buildTestApp made: the two-step code is the app's clock's.
const testApps = new WeakMap<FastifyInstance, { db: Db; clock: Clock }>()

// The code a test user's authenticator app shows now (the test key: factories.ts), for one signing in.
// A code works once per 30 seconds and a test's clock stands still, so the last step used is forgotten
// first: signing in twice is then like signing in again a minute later.
export async function twoStepCodeFor(app: FastifyInstance, email: string): Promise<string> {
  const known = testApps.get(app)
  if (known)
    await known.db.updateTable('users').set({ twoStepLastStep: null }).where('email', '=', email).execute()
  return appCodeAt(testTwoStepKey, (known?.clock ?? systemClock).now())
}

// Two clients signing one user in at once would be given the same code, which works once: their codes
// are given one after the other.
const codeTurns = new Map<string, Promise<unknown>>()
function inTurn<T>(key: string, work: () => Promise<T>): Promise<T> {
  const mine = (codeTurns.get(key) ?? Promise.resolve()).catch(() => {}).then(work)
  codeTurns.set(key, mine)
  return mine
}

// A browser-like client over inject(): keeps cookies, and reads the CSRF token from the last page.
export class TestClient {
  private cookies = new Map<string, string>()
  csrfToken = ''

  constructor(private readonly app: FastifyInstance) {}

  cookieHeader() {
    return [...this.cookies.entries()].map(([k, v]) => `${k}=${v}`).join('; ')
  }

  private remember(response: Awaited<ReturnType<FastifyInstance['inject']>>) {
    for (const c of response.cookies as { name: string; value: string }[]) {
      if (c.value === '') this.cookies.delete(c.name)
      else this.cookies.set(c.name, c.value)
    }
    const token = /name="_csrf" value="([^"]+)"/.exec(response.body)
    if (token) this.csrfToken = token[1]!
    return response
  }

  async get(url: string) {
    return this.remember(
      await this.app.inject({ method: 'GET', url, headers: { cookie: this.cookieHeader() } }),
    )
  }

  async post(url: string, form: Record<string, string>, options: { csrf?: boolean } = {}) {
    const body = new URLSearchParams(options.csrf === false ? form : { _csrf: this.csrfToken, ...form })
    return this.remember(
      await this.app.inject({
        method: 'POST',
        url,
        headers: { cookie: this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
        payload: body.toString(),
      }),
    )
  }

  // A file upload as a browser sends it, with the page's CSRF token among the fields.
  async postMultipart(
    url: string,
    fields: Record<string, string>,
    file: { field: string; fileName: string; content: Buffer },
  ) {
    const boundary = '----carehub-test-boundary'
    const parts: Buffer[] = []
    for (const [name, value] of Object.entries({ _csrf: this.csrfToken, ...fields })) {
      parts.push(
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
      )
    }
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${file.fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      ),
    )
    parts.push(file.content, Buffer.from(`\r\n--${boundary}--\r\n`))
    return this.remember(
      await this.app.inject({
        method: 'POST',
        url,
        headers: { cookie: this.cookieHeader(), 'content-type': `multipart/form-data; boundary=${boundary}` },
        payload: Buffer.concat(parts),
      }),
    )
  }

  // Gives the two-step code too, where one is due (roles that need it have the test key: factories.ts).
  async signIn(email: string, password = testPassword) {
    await this.get('/sign-in')
    let response = await this.post('/sign-in', { email, password })
    if (response.statusCode !== 302) throw new Error(`sign-in as ${email} failed with ${response.statusCode}`)
    const location = String(response.headers.location)
    if (location.startsWith('/two-step-sign-in/code')) {
      await this.get(location)
      response = await inTurn(`${email}`, async () =>
        this.post('/two-step-sign-in/code', {
          code: await twoStepCodeFor(this.app, email),
          returnTo: new URL(location, 'http://x').searchParams.get('returnTo') ?? '/',
        }),
      )
      if (response.statusCode !== 302) throw new Error(`two-step code for ${email}: ${response.statusCode}`)
    }
    await this.get('/')
    return response
  }
}
