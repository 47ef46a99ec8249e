import { describe, expect, it } from 'vitest'
import { hostileBody, runnable } from '../bulletins.test-fixture.ts'
import { bulletinHtml, bulletinText } from './markdown.ts'

describe('a bulletin body in Markdown', () => {
  it('renders headings, emphasis and safe links', () => {
    const html = bulletinHtml(hostileBody)
    expect(html).toContain('<h1>PPE update</h1>')
    expect(html).toContain('<a href="https://ppe.example/order">the portal</a>')
    expect(html).toContain('<strong>today</strong>')
  })

  it('renders a hostile body inert on the page: typed tags show as text', () => {
    const html = bulletinHtml(hostileBody)
    expect(runnable(html)).toEqual([])
    expect(html).toContain('&lt;script&gt;')
  })

  it('gives the mail plain text with no tag and only safe links', () => {
    const text = bulletinText(hostileBody)
    expect(text).not.toMatch(/[<>]/)
    expect(text).toContain('the portal (https://ppe.example/order)')
    expect(text).not.toMatch(/\(javascript:/)
    expect(text.split('\n')[0]).toBe('PPE update')
  })
})
