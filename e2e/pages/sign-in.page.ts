import type { Page, Response } from 'playwright-core'
import { navigateBy } from '../support/browser.ts'

export class SignInPage {
  constructor(
    private readonly page: Page,
    private readonly baseUrl: string,
  ) {}

  async open(): Promise<Response | null> {
    return this.page.goto(`${this.baseUrl}/sign-in`)
  }

  // Resolves with the page the app shows next: home on success, the form with errors otherwise.
  async signIn(email: string, password: string): Promise<Response> {
    await this.page.locator('#email').fill(email)
    await this.page.locator('#password').fill(password)
    return navigateBy(this.page, () =>
      this.page.getByRole('button', { name: 'Sign in', exact: true }).click(),
    )
  }
}
