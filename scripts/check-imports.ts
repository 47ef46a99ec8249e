import fs from 'node:fs'
import path from 'node:path'
import ts from 'typescript'
import { type ImportEdge, importViolations, resolveImport } from './import-rules.ts'

// `npm run lint` runs this: every import in src/ against CareHub's import rules (scripts/import-rules.ts).
// Imports that broke a rule before the rule was written are listed in scripts/import-rules.known.txt;
// that list may only shrink: a new violation fails, and so does a listed one that is gone (remove it).

const root = path.resolve(import.meta.dirname, '..')
const knownFile = path.join(root, 'scripts/import-rules.known.txt')

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(full)
    return /\.(ts|mts)$/.test(entry.name) ? [full] : []
  })
}

export function importEdges(files: string[]): ImportEdge[] {
  return files.flatMap((file) => {
    const from = path.relative(root, file).split(path.sep).join('/')
    const { importedFiles } = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true)
    return importedFiles.flatMap(({ fileName }) => {
      const to = resolveImport(from, fileName)
      return to ? [{ from, to }] : []
    })
  })
}

const key = (v: { from: string; to: string }) => `${v.from} -> ${v.to}`
const known = new Set(
  fs.existsSync(knownFile)
    ? fs
        .readFileSync(knownFile, 'utf8')
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith('#'))
    : [],
)
const violations = importViolations(importEdges(sourceFiles(path.join(root, 'src'))))
const found = new Set(violations.map(key))
const fresh = violations.filter((v) => !known.has(key(v)))
const gone = [...known].filter((k) => !found.has(k))

for (const v of fresh) console.error(`${key(v)}: ${v.rule}`)
for (const k of gone) console.error(`${k}: no longer imported; remove it from scripts/import-rules.known.txt`)
if (fresh.length || gone.length) process.exit(1)
console.log(`Import rules: ${found.size} known exceptions left, no new ones.`)
