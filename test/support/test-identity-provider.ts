import http from 'node:http'
import type { AddressInfo } from 'node:net'
import Provider from 'oidc-provider'

// A real OpenID Connect provider (oidc-provider) on loopback for the single sign-on tests: one client,
// people found by their login (the dev sign-in page takes any password), each with a groups claim.
export type TestPerson = { email: string; name: string; groups: string[] }

export async function startTestIdentityProvider(options: {
  clientId: string
  clientSecret: string
  redirectUri: string
  postLogoutRedirectUri: string
  people: Record<string, TestPerson>
}) {
  const server = http.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: options.clientId,
        client_secret: options.clientSecret,
        redirect_uris: [options.redirectUri],
        post_logout_redirect_uris: [options.postLogoutRedirectUri],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    // Groups come with the profile scope, from userinfo (as most providers but Entra ID give them).
    claims: { openid: ['sub'], email: ['email'], profile: ['name', 'groups'] },
    findAccount: (_ctx: unknown, id: string) => {
      const person = options.people[id]
      return person ? { accountId: id, claims: () => ({ sub: id, ...person }) } : undefined
    },
    cookies: { keys: ['test identity provider cookie key'] },
    features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  })
  // The dev sign-in page warns at every start: nothing a test needs to see.
  provider.on('server_error', () => {})
  server.on('request', provider.callback())
  return {
    issuer,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    // Follows the provider's pages from the authorization URL as a browser would (cookies, redirects,
    // its sign-in and consent forms) as `login`, until it sends the browser away: the URL it sends to.
    async signInAs(authorizationUrl: string, login: string): Promise<string> {
      const cookies = new Map<string, string>()
      let url = authorizationUrl
      let body: URLSearchParams | undefined
      for (let step = 0; step < 20; step++) {
        if (!url.startsWith(issuer)) return url
        const response = await fetch(url, {
          method: body ? 'POST' : 'GET',
          body,
          redirect: 'manual',
          headers: { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
        })
        for (const set of response.headers.getSetCookie()) {
          const [pair = ''] = set.split(';')
          const at = pair.indexOf('=')
          const [name, value] = [pair.slice(0, at), pair.slice(at + 1)]
          if (value && !/expires=Thu, 01 Jan 1970/i.test(set)) cookies.set(name, value)
          else cookies.delete(name)
        }
        body = undefined
        const location = response.headers.get('location')
        if (location) {
          url = new URL(location, url).href
          continue
        }
        const html = await response.text()
        const form = /<form[^>]*action="([^"]+)"[^>]*method="post"/.exec(html)
        if (!form) throw new Error(`the provider answered ${response.status}: ${html.slice(0, 300)}`)
        body = new URLSearchParams()
        for (const input of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g))
          body.set(input[1]!, input[2]!)
        if (html.includes('name="login"')) {
          body.set('login', login)
          body.set('password', 'any password')
        }
        url = new URL(form[1]!.replace(/&amp;/g, '&'), url).href
      }
      throw new Error('the provider did not send the browser back')
    },
  }
}

export type TestIdentityProvider = Awaited<ReturnType<typeof startTestIdentityProvider>>
