// A Markdown table laid out as Biome formats one (columns padded, at least three dashes), so that
// `biome check` passes on the results files the bench writes.
export function mdTable(header: string[], rows: string[][]): string[] {
  const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ')
  const all = [header, ...rows].map((row) => row.map(cell))
  const width = header.map((_, i) => Math.max(3, ...all.map((row) => [...(row[i] ?? '')].length)))
  const line = (row: string[]) =>
    `| ${width.map((w, i) => (row[i] ?? '') + ' '.repeat(w - [...(row[i] ?? '')].length)).join(' | ')} |`
  return [line(all[0]!), `| ${width.map((w) => '-'.repeat(w)).join(' | ')} |`, ...all.slice(1).map(line)]
}
