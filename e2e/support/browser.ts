import fs from 'node:fs'
import { AxeBuilder } from '@axe-core/playwright'
import { type Browser, chromium, type Page, type Response } from 'playwright-core'
import { type ExpectStatic, expect } from 'vitest'

export const chromiumPath = '/usr/bin/chromium'
export const chromiumAvailable = fs.existsSync(chromiumPath)

// Debian's headless shell of the same Chromium (package chromium-headless-shell, which .ci/run installs),
// when it is there: the full browser's headless mode runs its whole window UI unseen, which doubled
// the CPU of every navigation (88 ms against 38 ms for a small page, measured here) and made the browser
// suite the slowest part of `npm test`. The page engine is the same, so what the tests check is too.
// Started directly, not through its /usr/bin wrapper, like Playwright's own headless shell.
const headlessShellPath = '/usr/lib/chromium/chromium-headless-shell'
const executablePath = fs.existsSync(headlessShellPath) ? headlessShellPath : chromiumPath

// Only the browser suite is skipped without Chromium, and loudly, so a green run cannot hide it.
export function warnIfBrowserMissing(suite: string) {
  if (chromiumAvailable) return
  console.warn(
    `\n*** BROWSER SUITE SKIPPED (${suite}): ${chromiumPath} is missing — install it with apt-get install -y chromium ***\n`,
  )
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}

const wcagTags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa']

// Soft, so one test reports every page with problems rather than stopping at the first.
// Tests that run concurrently pass their own `expect` (from the test context), so that a soft failure
// is recorded on the test that found it.
export async function expectNoAxeViolations(page: Page, label: string, softExpect: ExpectStatic = expect) {
  // options() replaces the run options, so it must come before withTags(). Legacy mode runs axe in the
  // page itself instead of opening a blank page per check: half the time, and we have no iframes.
  const results = await new AxeBuilder({ page })
    .options({ resultTypes: ['violations'] })
    .withTags(wcagTags)
    .setLegacyMode(true)
    .analyze()
  const problems = results.violations.map((v) => {
    const targets = v.nodes.slice(0, 3).map((n) => n.target.join(' '))
    const more = v.nodes.length > 3 ? ` (+${v.nodes.length - 3} more)` : ''
    return `${v.id} [${v.impact ?? 'unknown'}]: ${v.help} — ${targets.join(', ')}${more}`
  })
  softExpect.soft(problems, `axe violations on ${label} (${page.url()})`).toEqual([])
}

// A phone's width (an iPhone 12 to 15's CSS pixels): issue 18 asks that no page scrolls sideways on it.
export const phoneViewport = { width: 390, height: 844 } as const

// Narrows the window of an open page to a phone's width, checks that its content fits (no sideways
// scrolling), and widens it back. No reload: the media queries apply at once, so it costs a relayout.
// On failure the message names the elements that stick out furthest.
export async function expectFitsPhoneWidth(page: Page, label: string, softExpect: ExpectStatic = expect) {
  const before = page.viewportSize()
  await page.setViewportSize(phoneViewport)
  try {
    const { width, culprits } = await page.evaluate((viewportWidth) => {
      const width = document.documentElement.scrollWidth
      if (width <= viewportWidth) return { width, culprits: [] }
      const describe = (el: Element) =>
        el.tagName.toLowerCase() +
        (el.id ? `#${el.id}` : '') +
        Array.from(el.classList, (c) => `.${c}`).join('')
      const culprits = Array.from(document.body.querySelectorAll('*'))
        .map((el) => ({ el, right: Math.round(el.getBoundingClientRect().right) }))
        .filter(
          ({ el, right }) =>
            right > viewportWidth &&
            !Array.from(el.children).some((c) => c.getBoundingClientRect().right >= right),
        )
        .sort((a, b) => b.right - a.right)
        .slice(0, 3)
        .map(({ el, right }) => `${describe(el)} (to ${right} px)`)
      return { width, culprits }
    }, phoneViewport.width)
    softExpect
      .soft(width, `${label} (${page.url()}) is wider than a phone: ${culprits.join(', ')}`)
      .toBeLessThanOrEqual(phoneViewport.width)
  } finally {
    if (before) await page.setViewportSize(before)
  }
}

// Runs an action that loads a new page (a click on a link or a submit button) and waits for that
// page to load. Resolves with the final response, after any redirects.
export async function navigateBy(page: Page, action: () => Promise<unknown>): Promise<Response> {
  const response = page.waitForResponse(
    (r) =>
      r.request().isNavigationRequest() &&
      r.frame() === page.mainFrame() &&
      (r.status() < 300 || r.status() >= 400),
  )
  const committed = page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame() })
  try {
    await action()
  } catch (error) {
    // The action failed (a missing link, say): the waits must not outlive it as unhandled rejections.
    response.catch(() => {})
    committed.catch(() => {})
    throw error
  }
  const [final] = await Promise.all([response, committed])
  await page.waitForLoadState('load')
  return final
}

// The pages a role may open from the service navigation (the service name link is not a nav item).
export async function serviceNavigation(page: Page): Promise<{ text: string; href: string }[]> {
  return page
    .locator('.govuk-service-navigation__item a.govuk-service-navigation__link')
    .evaluateAll((links) =>
      links.map((a) => ({ text: (a.textContent ?? '').trim(), href: a.getAttribute('href') ?? '' })),
    )
}

export async function headingText(page: Page): Promise<string> {
  return ((await page.locator('h1').first().textContent()) ?? '').trim()
}
