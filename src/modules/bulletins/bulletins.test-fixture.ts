// A bulletin body written to break out of its page or mail, and the check that nothing in it can run:
// shared by the Markdown unit test, the pages' test and the browser test.
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
