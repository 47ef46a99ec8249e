// JSON laid out as Biome lays it out (objects open, arrays of plain values on one line when they fit
// in 110 columns), so `biome check` passes on the results files the bench writes.
export function formatJson(value: unknown): string {
  return `${format(value, '', 0)}\n`
}

const lineWidth = 110

function format(value: unknown, indent: string, used: number): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]'
    const inner = `${indent}  `
    if (value.every((v) => v === null || typeof v !== 'object')) {
      const flat = `[${value.map((v) => JSON.stringify(v) ?? 'null').join(', ')}]`
      if (used + flat.length + 1 <= lineWidth) return flat
    }
    return `[\n${value.map((v) => inner + format(v, inner, inner.length)).join(',\n')}\n${indent}]`
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined)
    if (entries.length === 0) return '{}'
    const inner = `${indent}  `
    return `{\n${entries
      .map(([k, v]) => {
        const head = `${inner}${JSON.stringify(k)}: `
        return head + format(v, inner, head.length)
      })
      .join(',\n')}\n${indent}}`
  }
  return JSON.stringify(value) ?? 'null'
}
