import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { demoPassword } from '../src/db/seed/demo-county.ts'
import { SignInPage } from './pages/sign-in.page.ts'
import { expectNoAxeViolations, launchBrowser, navigateBy } from './support/browser.ts'
import { type E2eServer, startServer } from './support/server.ts'

describe('probe', () => {
  let server: E2eServer
  let browser: Browser
  beforeAll(async () => {
    const t = Date.now()
    ;[server, browser] = await Promise.all([startServer(), launchBrowser()])
    console.log('startup', Date.now() - t)
  })
  afterAll(async () => { await browser?.close(); await server?.close() })
  it('times', async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    let t = Date.now()
    const s = new SignInPage(page, server.baseUrl)
    await s.open(); console.log('open', Date.now() - t); t = Date.now()
    await expectNoAxeViolations(page, 'x'); console.log('axe', Date.now() - t); t = Date.now()
    await expectNoAxeViolations(page, 'x'); console.log('axe2', Date.now() - t); t = Date.now()
    await s.signIn('admin@northmoor.example', demoPassword); console.log('signin', Date.now() - t); t = Date.now()
    await page.goto(server.baseUrl + '/locations'); console.log('goto', Date.now() - t); t = Date.now()
    await navigateBy(page, () => page.locator('.govuk-service-navigation__item a[href="/admin/users"]').click()); console.log('nav', Date.now() - t); t = Date.now()
    await expectNoAxeViolations(page, 'x'); console.log('axe3', Date.now() - t); t = Date.now()
    await page.evaluate(() => { document.querySelector('h1')!.style.color = '#eee' })
    await expectNoAxeViolations(page, 'bad contrast')
    expect(1).toBe(1)
  })
})
