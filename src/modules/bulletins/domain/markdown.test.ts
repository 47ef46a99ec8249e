import { describe, expect, it } from 'vitest'
import { bulletinHtml, bulletinText } from './markdown.ts'

export const hostileBody = [
  '# PPE update',
  '<script>alert("page")</script>',
  '<img src=x onerror="alert(1)">',
  '<a href="javascript:alert(2)" onclick="alert(3)">raw link</a>',
  '[click me](javascript:alert(4)) and [data](data:text/html;base64,PHNjcmlwdD4=)',
  '<iframe src="https://evil.example"></iframe>',
  'Order from [the portal](https://ppe.example/order) **today**.',
].join('\n\n')

// Whether markup contains anything that could run: a script or frame element, an event handler
// attribute, or a link to a script scheme.
export function runnable(html: string): string[] {
  const found: string[] = []
  if (/<script/i.test(html)) found.push('script element')
  if (/<(iframe|object|embed|img)\b/i.test(html)) found.push('embedded element')
  if (/<[^>]+\son\w+\s*=/i.test(html)) found.push('event handler')
  if (/<[^>]+(href|src)\s*=\s*["']?\s*(javascript|vbscript|data):/i.test(html)) found.push('script link')
  return found
}

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
