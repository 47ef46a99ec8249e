import type { FastifyInstance } from 'fastify'
import type { Outcome } from '../../src/web/route-access.ts'
import { testPassword } from './factories.ts'
import { twoStepCodeFor } from './test-app.ts'

// One signed-in session (or none) sending the route-table suite's requests: its cookies, and the CSRF
// token of its own session, which every POST carries (an attacker has a valid token, for their own
// session). A POST carries nothing else: an allowed form answers 400 and changes nothing.
export class Attacker {
  private cookies = new Map<string, string>()
  private csrfToken = ''

  constructor(
    private readonly app: FastifyInstance,
    readonly email: string | null,
  ) {}

  get signedIn() {
    return this.cookies.has('carehub_session')
  }

  private async send(method: string, url: string, form?: Record<string, string>) {
    const cookie = [...this.cookies.entries()].map(([k, v]) => `${k}=${v}`).join('; ')
    const response = await this.app.inject({
      method: method as 'GET',
      url,
      headers: form ? { cookie, 'content-type': 'application/x-www-form-urlencoded' } : { cookie },
      ...(form ? { payload: new URLSearchParams(form).toString() } : {}),
    })
    for (const c of response.cookies as { name: string; value: string }[]) {
      if (c.value === '') this.cookies.delete(c.name)
      else this.cookies.set(c.name, c.value)
    }
    const token = /name="_csrf" value="([^"]+)"/.exec(response.body)
    if (token) this.csrfToken = token[1]!
    return response
  }

  // Signs in (again, after a route ended the session) and keeps the CSRF token of the new session.
  async signIn() {
    this.cookies.clear()
    if (!this.email) {
      // No session: only the sign-in page's CSRF token, as a stranger gets it.
      await this.send('GET', '/sign-in')
      return this
    }
    await this.send('GET', '/sign-in')
    const response = await this.send('POST', '/sign-in', {
      _csrf: this.csrfToken,
      email: this.email,
      password: testPassword,
    })
    if (response.statusCode !== 302) throw new Error(`sign-in as ${this.email}: ${response.statusCode}`)
    if (String(response.headers.location).startsWith('/two-step-sign-in/code')) {
      await this.send('GET', String(response.headers.location))
      const code = await this.send('POST', '/two-step-sign-in/code', {
        _csrf: this.csrfToken,
        code: await twoStepCodeFor(this.app, this.email),
      })
      if (code.statusCode !== 302) throw new Error(`two-step code for ${this.email}: ${code.statusCode}`)
    }
    await this.send('GET', '/')
    if (!this.csrfToken) throw new Error(`no CSRF token for ${this.email}`)
    return this
  }

  // What the route answered, as the tables name it, and the status and body behind it.
  async request(method: string, url: string): Promise<{ outcome: Outcome | string; status: number }> {
    const response =
      method === 'POST'
        ? await this.send('POST', url, { _csrf: this.csrfToken })
        : await this.send(method, url)
    return { outcome: outcomeOf(response.statusCode, response.headers.location), status: response.statusCode }
  }
}

export function outcomeOf(status: number, location: unknown): Outcome | string {
  if (status >= 500) return `error ${status}`
  if (status === 401 || status === 403 || status === 404) return status
  if (status >= 300 && status < 400 && String(location ?? '').startsWith('/sign-in')) return 'sign-in'
  return 'allowed'
}
