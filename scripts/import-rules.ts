import path from 'node:path'

// CareHub's import rules (docs/adding-a-capability.md), as a pure function over the import graph:
// - a capability is reached from outside its folder only through its index.ts;
// - src/domain is the pure core: it imports only itself (and packages);
// - src/web is the shell every capability uses: it imports no capability.
// `from` and each import are paths relative to the project's root, with forward slashes.

export type ImportEdge = { from: string; to: string }
export type ImportViolation = ImportEdge & { rule: string }

const capabilityOf = (file: string) => /^src\/modules\/([^/]+)\//.exec(file)?.[1] ?? null

export function importViolations(edges: readonly ImportEdge[]): ImportViolation[] {
  const violations: ImportViolation[] = []
  for (const edge of edges) {
    const { from, to } = edge
    if (!to.startsWith('src/')) continue
    const target = capabilityOf(to)
    if (from.startsWith('src/domain/') && !to.startsWith('src/domain/'))
      violations.push({ ...edge, rule: 'src/domain imports only src/domain' })
    if (from.startsWith('src/web/') && target)
      violations.push({ ...edge, rule: 'src/web imports no capability' })
    if (target && capabilityOf(from) !== target && to !== `src/modules/${target}/index.ts`)
      violations.push({
        ...edge,
        rule: `another capability's insides: import src/modules/${target}/index.ts`,
      })
  }
  return violations
}

// The project-relative file an import specifier names, or null for a package.
export function resolveImport(from: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null
  return path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier))
}
