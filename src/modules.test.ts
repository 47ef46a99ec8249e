import fs from 'node:fs'
import { describe, expect, it } from 'vitest'
import { capabilities } from './modules.ts'

describe('the list of capabilities', () => {
  it('is the one the README names, in the same order', () => {
    const readme = fs.readFileSync(new URL('../README.md', import.meta.url), 'utf8')
    const line = /Capabilities, in the order of `src\/modules\.ts`: ([^.]+)\./.exec(
      readme.replace(/\n/g, ' '),
    )
    expect(line, 'the README names the capabilities in one sentence').not.toBeNull()
    const named = line![1]!.split(',').map((name) => name.trim())
    expect(named).toEqual(capabilities.map((c) => c.name))
  })

  it('has a folder with a README for each, reached through its index.ts', () => {
    for (const { name } of capabilities) {
      const folder = new URL(`./modules/${name}/`, import.meta.url)
      expect(fs.existsSync(new URL('index.ts', folder)), `${name}/index.ts`).toBe(true)
      expect(fs.existsSync(new URL('README.md', folder)), `${name}/README.md`).toBe(true)
    }
  })
})
