import type { Page, Response } from 'playwright-core'
import { navigateBy } from '../support/browser.ts'
import { twoStepCode } from '../support/server.ts'

// Two browsers signing one user in at once would be given the same code, which works once: their codes
// are given one after the other.
const codeTurns = new Map<string, Promise<unknown>>()
function inTurn<T>(key: string, work: () => Promise<T>): Promise<T> {
  const mine = (codeTurns.get(key) ?? Promise.resolve()).catch(() => {}).then(work)
  codeTurns.set(key, mine)
  return mine
}

export class SignInPage {
  constructor(
    private readonly page: Page,
    private readonly baseUrl: string,
  ) {}

  async open(): Promise<Response | null> {
    return this.page.goto(`${this.baseUrl}/sign-in`)
  }

  // Resolves with the page the app shows next: home on success, the form with errors otherwise. Where a
  // two-step code is due (the demo's admin and finance users), it is given from the demo key.
  async signIn(email: string, password: string): Promise<Response> {
    await this.page.locator('#email').fill(email)
    await this.page.locator('#password').fill(password)
    const next = await navigateBy(this.page, () =>
      this.page.getByRole('button', { name: 'Sign in', exact: true }).click(),
    )
    if (!new URL(this.page.url()).pathname.startsWith('/two-step-sign-in/code')) return next
    return inTurn(`${this.baseUrl} ${email}`, async () => {
      await this.page.locator('#code').fill(await twoStepCode(this.baseUrl, email))
      return navigateBy(this.page, () => this.page.getByRole('button', { name: 'Continue' }).click())
    })
  }
}
