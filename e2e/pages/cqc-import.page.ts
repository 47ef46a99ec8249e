import type { Page } from 'playwright-core'

// The status tags on an import page, trimmed: "Waiting for you to confirm", "Saving", "Saved"…
export async function importStatusTags(page: Page): Promise<string[]> {
  return (await page.locator('#main-content .govuk-tag').allTextContents()).map((t) => t.trim())
}

// After "Save these changes" the save runs in the background and the page refreshes itself (a meta
// refresh, so it works without JavaScript too) while it shows "Saving". Reload until it says "Saved".
export async function waitForImportSaved(page: Page, timeoutMs = 20_000): Promise<string[]> {
  const importUrl = page.url().split('#')[0]!
  const deadline = Date.now() + timeoutMs
  let tags = await importStatusTags(page)
  while (!tags.includes('Saved') && Date.now() < deadline) {
    await page.waitForTimeout(500)
    // The page's own refresh may start at the same moment and abort this load: try again next time round.
    await page.goto(importUrl).catch(() => page.waitForLoadState('load'))
    tags = await importStatusTags(page).catch(() => [])
  }
  return tags
}
