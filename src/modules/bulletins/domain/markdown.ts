import MarkdownIt from 'markdown-it'

// A bulletin's body is Markdown an officer types. On the page it is HTML markdown-it makes with raw
// HTML turned off (typed tags show as text) and its link check on (no javascript:, vbscript: or data:
// links); in the mail it is plain text with no tag at all. Pure: text in, text out.

const markdown = new MarkdownIt({ html: false, linkify: false, typographer: false })
const safeSchemes = /^(https?:|mailto:)/i

// Links: only http(s) and mailto, each opening in the same tab; anything else is shown as text.
markdown.validateLink = (url: string) => safeSchemes.test(url.trim())

export function bulletinHtml(body: string): string {
  return markdown.render(body)
}

const entities: Record<string, string> = { '&amp;': '&', '&quot;': '"', '&#39;': "'", '&lt;': '', '&gt;': '' }

// The mail's text: paragraphs and list items as lines, a link as "words (address)", every tag removed
// and no angle bracket left, so no mail client can take any of it for markup.
export function bulletinText(body: string): string {
  const html = bulletinHtml(body)
    .replace(/<a href="([^"]*)"[^>]*>(.*?)<\/a>/g, (_m, href: string, words: string) => `${words} (${href})`)
    .replace(/<li>/g, '- ')
    .replace(/<\/(p|h[1-6]|li|blockquote|pre)>/g, '\n')
    .replace(/<br\s*\/?>/g, '\n')
    .replace(/<[^>]*>/g, '')
  return (
    html
      .replace(/&(amp|quot|#39|lt|gt);/g, (m) => entities[m] ?? '')
      .replace(/[<>]/g, '')
      // A link markdown-it would not make (javascript:, data:) stays as its words only.
      .replace(/\[([^\]]*)\]\(\s*(?!https?:|mailto:)[^)]*\)/gi, '$1')
      .replace(/\b(javascript|vbscript)\s*:/gi, '$1 -')
      .replace(/\n{3,}/g, '\n\n')
      .trim()
  )
}
