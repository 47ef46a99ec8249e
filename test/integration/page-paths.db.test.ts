import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { capabilityPaths } from '../../src/modules.ts'
import { patternsOf } from '../../src/web/page-path.ts'
import { webPaths } from '../../src/web/paths.ts'
import { buildTestApp, type TestApp } from '../support/test-app.ts'

// One definition per page (issue 16): every route's URL comes from a path definition, each pattern is
// defined once, and no route or link writes a URL out by hand.

const src = path.resolve(import.meta.dirname, '../../src')
// Files served as they are: not pages.
const notPages = [/^\/public\//, /^\/assets\//, /^\/stylesheets\//, /^\/javascripts\//]

const asRegExp = (pattern: string) =>
  new RegExp(`^${pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z]+/g, '[^/.]+')}$`)

function filesUnder(dir: string, suffix: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return filesUnder(full, suffix)
    return entry.name.endsWith(suffix) ? [full] : []
  })
}

describe('page paths', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await buildTestApp('pglite')
  })
  afterAll(async () => {
    await t?.close()
  })

  it('defines each page’s pattern once', () => {
    const patterns = [...patternsOf(capabilityPaths()), ...patternsOf(webPaths)]
    const twice = patterns.filter((p, i) => patterns.indexOf(p) !== i)
    expect(twice).toEqual([])
  })

  it('gives every route of the app a defined pattern', () => {
    const patterns = [...patternsOf(capabilityPaths()), ...patternsOf(webPaths)].map(asRegExp)
    const pages = t.app.routeTable
      .filter((r) => r.method !== 'HEAD' && !notPages.some((n) => n.test(r.url)))
      .map((r) => r.url.replace(/\*$/, ''))
    const undefinedRoutes = pages.filter((url) => !patterns.some((p) => p.test(url)))
    expect(undefinedRoutes).toEqual([])
    expect(pages.length).toBeGreaterThan(100)
  })

  it('registers no route and writes no link with a URL typed out', () => {
    const literalRoutes = filesUnder(src, '.ts')
      .filter((file) => !file.endsWith('.test.ts'))
      .flatMap((file) =>
        fs
          .readFileSync(file, 'utf8')
          .split('\n')
          .flatMap((line, i) =>
            /\bapp\.(get|post|put|patch|delete|route)\(\s*['"`]\//.test(line)
              ? [`${path.relative(src, file)}:${i + 1}`]
              : [],
          ),
      )
    expect(literalRoutes).toEqual([])
    const literalLinks = filesUnder(src, '.njk').flatMap((file) =>
      fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, i) =>
          /(href|action)="\/(?!public\/|assets\/|stylesheets\/|javascripts\/)/.test(line)
            ? [`${path.relative(src, file)}:${i + 1}`]
            : [],
        ),
    )
    expect(literalLinks).toEqual([])
  })
})
