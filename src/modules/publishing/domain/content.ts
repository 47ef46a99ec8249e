import { type CountTable, type SuppressedTable, type SuppressionRule, suppress } from './suppression.ts'

// What a publication kind builds (src/modules/publishing/publication-kinds.ts): a title, blocks of
// text, tables and counts, the figures inside them, and the providers it names with their own figures
// (which those providers check before it is published). Pure data: stored as JSON with each version.

// A measure's value as inserted: its name, the value as shown, when it was taken, and its definition.
export type Figure = { key: string; name: string; shown: string; asAt: string; definition: string }

export type Cell = { text: string; figures?: Figure[] }

export type Column = { key: string; label: string; sensitive?: boolean }

export type Block =
  | { type: 'heading'; level: 2 | 3; text: string }
  | { type: 'paragraph'; text: string }
  | { type: 'list'; items: string[] }
  | { type: 'table'; caption: string; columns: Column[]; rows: Record<string, Cell>[] }
  | { type: 'counts'; caption: string; table: CountTable; note?: string }

export type NamedProvider = { providerId: string; name: string; figures: { label: string; value: string }[] }

export type PublicationContent = {
  title: string
  summary: string
  asAt: string
  blocks: Block[]
  providers: NamedProvider[]
}

// What is published: sensitive columns gone, counts suppressed, the named providers' check list left out.
export type PublishedBlock =
  | Exclude<Block, { type: 'counts' }>
  | { type: 'suppressed'; caption: string; table: SuppressedTable; note: string }

export type PublishedContent = { title: string; summary: string; asAt: string; blocks: PublishedBlock[] }

// About the version: its number, when it was published, who signed it off, what a correction changed,
// and its permanent address.
export type VersionFacts = {
  version: number
  publishedAt: string
  signedOffName: string
  changeNote: string | null
  address: string
}

export function forPublication(content: PublicationContent, rule: SuppressionRule): PublishedContent {
  const blocks: PublishedBlock[] = content.blocks.map((block) => {
    if (block.type === 'counts')
      return {
        type: 'suppressed',
        caption: block.caption,
        table: suppress(block.table, rule),
        note:
          block.note ??
          `${rule.label}: fewer than ${rule.threshold}, or withheld so that a number fewer than ${rule.threshold} cannot be worked out from the totals.`,
      }
    if (block.type === 'table') {
      const columns = block.columns.filter((c) => !c.sensitive)
      const keep = new Set(columns.map((c) => c.key))
      return {
        ...block,
        columns: columns.map(({ key, label }) => ({ key, label })),
        rows: block.rows.map((row) => Object.fromEntries(Object.entries(row).filter(([k]) => keep.has(k)))),
      }
    }
    return block
  })
  return { title: content.title, summary: content.summary, asAt: content.asAt, blocks }
}

// Every figure inside the published content, in order (a test compares each with its measure).
export function figuresIn(content: PublishedContent | PublicationContent): Figure[] {
  return content.blocks.flatMap((b) =>
    b.type === 'table'
      ? b.rows.flatMap((row) => Object.values(row).flatMap((cell) => cell.figures ?? []))
      : [],
  )
}

export function figureText(f: Figure, asAtText: string): string {
  return `${f.name}: ${f.shown} (at ${asAtText}). ${f.definition}`
}
