import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

// The Node.js versions CareHub runs on, said in three places that must agree (issue 18, item 7): the
// README, package.json's `engines`, and the Node the tests run on; and the README names exactly the
// installed packages npm warns about (those whose own `engines` leave that version out).
const root = path.resolve(import.meta.dirname, '..')
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8')
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  engines: { node: string }
}

type Version = [number, number, number]
const parse = (text: string): Version => {
  const [major = 0, minor = 0, patch = 0] = text.replace(/^v/, '').split('.').map(Number)
  return [major, minor, patch]
}
const compare = (a: Version, b: Version) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]

// Whether `version` satisfies an npm range of the kinds packages' `engines` use: ">=22", "^20.19.0",
// "20 || >=22", ">=18 <23", "~20.1", "*".
function satisfies(version: string, range: string): boolean {
  const v = parse(version)
  return range.split('||').some((alternative) =>
    alternative
      .replace(/([<>=^~]+)\s+/g, '$1')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .every((comparator) => {
        const m = /^(>=|<=|>|<|\^|~|=)?v?(\d+|\*|x)(?:\.(\d+|x|\*))?(?:\.(\d+|x|\*))?/.exec(comparator)
        if (!m) throw new Error(`a range this test cannot read: ${range}`)
        const [, op = '', majorText, minorText, patchText] = m
        if (majorText === '*' || majorText === 'x') return true
        const given = [majorText, minorText, patchText].filter(
          (p) => p !== undefined && /^\d+$/.test(p),
        ).length
        const bound = parse(comparator.replace(/^[>=<^~]+/, ''))
        const c = compare(v, bound)
        if (op === '>=') return c >= 0
        if (op === '>') return c > 0
        if (op === '<=') return c <= 0
        if (op === '<') return c < 0
        if (op === '^') return v[0] === bound[0] && c >= 0
        if (op === '~' || given < 3) return v[0] === bound[0] && (given < 2 || v[1] === bound[1]) && c >= 0
        return c === 0
      }),
  )
}

// Every installed package, with its `engines.node` when it has one.
function installedEngines(dir: string, found: { name: string; node: string }[] = []) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue
    const full = path.join(dir, entry.name)
    if (entry.name.startsWith('@')) {
      installedEngines(full, found)
      continue
    }
    const manifest = path.join(full, 'package.json')
    if (!fs.existsSync(manifest)) continue
    const { name, engines } = JSON.parse(fs.readFileSync(manifest, 'utf8')) as {
      name?: string
      engines?: { node?: unknown }
    }
    if (name && typeof engines?.node === 'string') found.push({ name, node: engines.node })
    if (fs.existsSync(path.join(full, 'node_modules')))
      installedEngines(path.join(full, 'node_modules'), found)
  }
  return found
}

describe('the Node.js version', () => {
  const lowest = /^>=(\d+\.\d+)$/.exec(pkg.engines.node)?.[1]

  it('is the same in the README and package.json, and the tests run on one it allows', () => {
    expect(lowest, 'engines.node is ">=X.Y"').toBeDefined()
    expect(readme).toContain(`Node.js ${lowest} or later`)
    expect(satisfies(process.versions.node, pkg.engines.node)).toBe(true)
  })

  it('has the README name exactly the installed packages that declare a later Node', () => {
    const named = /npm install` on Node 20 warns \(EBADENGINE\) that (.+?) declare Node 22/s.exec(readme)?.[1]
    expect(named, 'the README says which packages npm warns about').toBeDefined()
    const wantLater = installedEngines(path.join(root, 'node_modules'))
      .filter((p) => !satisfies(`${lowest}.0`, p.node))
      .map((p) => p.name)
    expect([...(named ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1]).sort()).toEqual(
      [...new Set(wantLater)].sort(),
    )
  })

  it('reads the ranges packages use', () => {
    expect(satisfies('20.19.0', '>=22')).toBe(false)
    expect(satisfies('20.19.0', '^20.19.0 || >=22.12.0')).toBe(true)
    expect(satisfies('20.18.1', '^20.19.0 || >=22.12.0')).toBe(false)
    expect(satisfies('20.19.0', '18 || 20 || >=22')).toBe(true)
    expect(satisfies('20.19.0', '^22 || ^24 || >=26')).toBe(false)
    expect(satisfies('20.19.0', '>=14.17 <23')).toBe(true)
    expect(satisfies('20.19.0', '*')).toBe(true)
  })
})
