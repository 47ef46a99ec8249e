import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { demoPassword, demoUsers } from '../src/db/seed/demo-county.ts'
import {
  contactBanner,
  errorSummaryTexts,
  fillDate,
  londonDateParts,
  ownLocationIds,
} from './pages/contact-log.page.ts'
import { SignInPage } from './pages/sign-in.page.ts'
import {
  chromiumAvailable,
  expectNoAxeViolations,
  headingText,
  launchBrowser,
  navigateBy,
  warnIfBrowserMissing,
} from './support/browser.ts'
import { type E2eServer, startServer } from './support/server.ts'

warnIfBrowserMissing('contact-log-enquiries.spec.ts')

const byEmail = (email: string) => demoUsers.find((u) => u.email === email)!
const providerManager = byEmail('manager@meadowcare.example')
const officer = byEmail('officer@northmoor.example')
const nurse = byEmail('nurse@ipc.northmoor.example')
const desktop = { viewport: { width: 1280, height: 900 } }

describe.skipIf(!chromiumAvailable)('contact log, enquiries and FAQ in a real browser', () => {
  let server: E2eServer
  let browser: Browser

  beforeAll(async () => {
    ;[server, browser] = await Promise.all([startServer(), launchBrowser()])
  })

  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  const url = (href: string) => new URL(href, server.baseUrl).toString()
  const pathname = (page: Page) => new URL(page.url()).pathname

  async function signedIn(email: string): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext(desktop)
    const page = await context.newPage()
    const signIn = new SignInPage(page, server.baseUrl)
    await signIn.open()
    const home = await signIn.signIn(email, demoPassword)
    expect(home.status(), `sign-in as ${email}`).toBe(200)
    return { context, page }
  }

  async function click(page: Page, role: 'link' | 'button', name: string, status = 200) {
    const response = await navigateBy(page, () => page.getByRole(role, { name, exact: true }).first().click())
    expect(response.status(), `${role} “${name}”`).toBe(status)
    return response
  }

  it('a planned call is seen by a partner; a provider’s question is answered, becomes an FAQ and is found by search', async () => {
    // The provider manager's first location, from their home page.
    const provider = await signedIn(providerManager.email)
    const locationId = (await ownLocationIds(provider.page))[0]
    expect(locationId, 'Meadow Care Group has a location on the home page').toBeDefined()

    // 1. The council officer books a call for tomorrow.
    const council = await signedIn(officer.email)
    try {
      await council.page.goto(url(`/locations/${locationId}`))
      await expectNoAxeViolations(council.page, 'location page as officer')
      await click(council.page, 'link', 'record a contact')
      expect(await headingText(council.page)).toBe('Record a contact')
      await expectNoAxeViolations(council.page, 'record a contact')
      // Nothing filled in: a message per field, nothing saved.
      await council.page.getByLabel('Summary', { exact: true }).fill('')
      await click(council.page, 'button', 'Save contact', 400)
      expect(await errorSummaryTexts(council.page)).toEqual([
        'Select whether the contact has happened or is planned',
        'Select what the contact was about',
        'Enter the date of the contact',
        'Enter a summary of the contact',
      ])
      await expectNoAxeViolations(council.page, 'record a contact with errors')
      await council.page.getByLabel('It is planned (for example, a call booked for Thursday)').check()
      await council.page.getByLabel('PPE', { exact: true }).check()
      await fillDate(council.page, 'contactDate', londonDateParts(1))
      await council.page.getByLabel('Time (optional)').fill('10:30')
      await council.page
        .getByLabel('Summary', { exact: true })
        .fill('Call booked to check the eye protection delivery (e2e)')
      await click(council.page, 'button', 'Save contact')
      expect(pathname(council.page)).toBe(`/locations/${locationId}`)
      expect(await council.page.locator('.govuk-notification-banner').textContent()).toContain(
        'Contact recorded in the contact log',
      )
      expect(await contactBanner(council.page)).toContain(
        'Call planned tomorrow by Northmoor County Council (Priya Shah)',
      )
      await click(council.page, 'link', 'See the contact log')
      expect(await headingText(council.page)).toBe('Contact log')
      await expectNoAxeViolations(council.page, 'contact log of a location')
      await click(council.page, 'link', 'Contact log follow-ups')
      expect(await headingText(council.page)).toBe('Contact log follow-ups due')
      await expectNoAxeViolations(council.page, 'follow-ups')
    } finally {
      await council.context.close()
    }

    // 2. The infection-control nurse opening the same location sees that call planned.
    const partner = await signedIn(nurse.email)
    try {
      await partner.page.goto(url(`/locations/${locationId}`))
      const banner = await contactBanner(partner.page)
      expect(banner).toMatch(/Call planned tomorrow by Northmoor County Council \(Priya Shah\)/i)
      expect(banner).toContain('Call booked to check the eye protection delivery (e2e)')
      await expectNoAxeViolations(partner.page, 'location page as partner')
      const call = await navigateBy(partner.page, () =>
        partner.page.locator('#contact-banner a', { hasText: 'Call planned tomorrow' }).first().click(),
      )
      expect(call.status()).toBe(200)
      await expectNoAxeViolations(partner.page, 'a contact as partner')
      expect(await partner.page.getByRole('link', { name: 'Change or record the outcome' }).count()).toBe(0)
    } finally {
      await partner.context.close()
    }

    // 3. The provider manager asks a question from the home page.
    let reference = ''
    try {
      await provider.page.goto(url('/'))
      await expectNoAxeViolations(provider.page, 'provider home')
      await click(provider.page, 'link', 'Ask the council a question')
      expect(await headingText(provider.page)).toBe('Ask the council a question')
      await expectNoAxeViolations(provider.page, 'ask a question')
      await click(provider.page, 'button', 'Continue', 400)
      expect(await errorSummaryTexts(provider.page)).toContain('Enter your question')
      await expectNoAxeViolations(provider.page, 'ask a question with errors')
      const select = provider.page.locator('select#locationId')
      if (await select.count()) await select.selectOption(locationId!)
      await provider.page.getByLabel('PPE', { exact: true }).check()
      await provider.page
        .getByLabel('Your question')
        .fill('Can the local store send kingfisher-brand visors for our night staff?')
      await click(provider.page, 'button', 'Continue')
      expect(await headingText(provider.page)).toBe('Check your question before sending it')
      await expectNoAxeViolations(provider.page, 'check your question')
      await click(provider.page, 'button', 'Send your question')
      expect(await provider.page.locator('.govuk-panel__title').textContent()).toContain('Question sent')
      reference =
        /ENQ-\d+/.exec((await provider.page.locator('.govuk-panel__body').textContent()) ?? '')?.[0] ?? ''
      expect(reference).toMatch(/^ENQ-\d+$/)
      await expectNoAxeViolations(provider.page, 'question sent')
    } finally {
      await provider.context.close()
    }

    // 4. The officer answers it and turns the answer into an FAQ entry.
    const answering = await signedIn(officer.email)
    try {
      await click(answering.page, 'link', 'Enquiries')
      expect(await headingText(answering.page)).toBe('Enquiries')
      await expectNoAxeViolations(answering.page, 'enquiries list')
      await click(answering.page, 'link', reference)
      expect(await headingText(answering.page)).toBe(`Enquiry ${reference}`)
      await expectNoAxeViolations(answering.page, 'an enquiry as officer')
      await answering.page
        .getByLabel('Your response')
        .fill('Yes: order visors on the PPE request form and the local store delivers within a day.')
      await click(answering.page, 'button', 'Send response')
      expect(await answering.page.locator('.govuk-notification-banner').textContent()).toContain(
        'Response saved and e-mailed to the provider',
      )
      await click(answering.page, 'link', 'Add this answer to the FAQ')
      expect(await headingText(answering.page)).toBe('Add this answer to the FAQ')
      await expectNoAxeViolations(answering.page, 'FAQ form')
      expect(await answering.page.getByLabel('Question', { exact: true }).inputValue()).toContain(
        'kingfisher-brand visors',
      )
      await answering.page
        .getByLabel('Question', { exact: true })
        .fill('Can a care home get kingfisher-brand visors from the local store?')
      await click(answering.page, 'button', 'Add to the FAQ')
      expect(await headingText(answering.page)).toBe(
        'Can a care home get kingfisher-brand visors from the local store?',
      )
      await expectNoAxeViolations(answering.page, 'FAQ entry')
      await answering.page.goto(url('/enquiries/trends'))
      expect(await headingText(answering.page)).toBe('Enquiry trends')
      expect(await answering.page.locator('svg[role="img"]').count()).toBe(1)
      await expectNoAxeViolations(answering.page, 'enquiry trends')
    } finally {
      await answering.context.close()
    }

    // 5. The provider finds it by searching the FAQ from the home page, and reads the answer.
    const again = await signedIn(providerManager.email)
    try {
      await again.page.getByLabel('Search the frequently asked questions').fill('kingfisher visors')
      await click(again.page, 'button', 'Search the FAQ')
      expect(pathname(again.page)).toBe('/faq')
      await expectNoAxeViolations(again.page, 'FAQ search results')
      await click(again.page, 'link', 'Can a care home get kingfisher-brand visors from the local store?')
      expect(await again.page.locator('#main-content').textContent()).toContain(
        'the local store delivers within a day',
      )
      await click(again.page, 'link', 'Ask a question')
      expect(await headingText(again.page)).toBe('Your questions')
      expect(await again.page.locator('#main-content').textContent()).toContain(reference)
      await expectNoAxeViolations(again.page, 'your questions')
      await click(again.page, 'link', reference)
      expect(await again.page.locator('#main-content').textContent()).toContain(
        'the local store delivers within a day',
      )
      await expectNoAxeViolations(again.page, 'an answered enquiry as provider')
    } finally {
      await again.context.close()
    }
  })
})
