import { describe, expect, it } from 'vitest'
import { type DemoStep, demoSteps, percentDone, withDemoProgress } from './demo-progress.ts'

describe('the demo county’s progress', () => {
  it('moves from 0 to 100 % through the steps in order, the returns by their batches', () => {
    const steps = Object.keys(demoSteps) as DemoStep[]
    const shown = steps.flatMap((step) => [percentDone(step), percentDone(step, 0.5), percentDone(step, 1)])
    expect(shown[0]).toBe(0)
    expect(shown.at(-1)).toBe(100)
    expect(shown).toEqual([...shown].sort((a, b) => a - b))
    // The returns take most of the time (even by COPY, issue 27): more than half of the whole.
    expect(percentDone('returns', 1) - percentDone('returns')).toBeGreaterThan(50)
  })

  it('writes a line as each step starts when the output is not a terminal, and says which step', async () => {
    const lines: string[] = []
    const out = { isTTY: false, write: (text: string) => lines.push(text) }
    const loaded = await withDemoProgress(async (progress) => {
      progress('directory')
      progress('returns')
      progress('returns', 0.5)
      progress('risk')
      return 'loaded'
    }, out)
    expect(loaded).toBe('loaded')
    expect(lines).toEqual([
      'Loading the demo county: providers and locations\n',
      'Loading the demo county: twelve weeks of returns\n',
      'Loading the demo county: risk rules over the returns\n',
    ])
  })

  it('draws a bar on a terminal, at 100 % once loaded, and leaves it where it stopped when the load fails', async () => {
    const terminal = () => {
      const written: string[] = []
      return {
        written,
        out: {
          isTTY: true,
          columns: 120,
          write: (text: string) => written.push(text),
          cursorTo: () => true,
          clearLine: () => true,
          moveCursor: () => true,
          clearScreenDown: () => true,
        },
      }
    }
    const loaded = terminal()
    await withDemoProgress(async (progress) => {
      progress('directory')
      progress('returns', 0.5)
    }, loaded.out)
    const shown = loaded.written.join('')
    expect(shown).toContain('Loading the demo county')
    expect(shown).toContain('| providers and locations')
    expect(shown).toMatch(/100% \| loaded/)

    const failed = terminal()
    await expect(
      withDemoProgress(async (progress) => {
        progress('directory')
        throw new Error('disk full')
      }, failed.out),
    ).rejects.toThrow('disk full')
    expect(failed.written.join('')).not.toContain('100%')
  })
})
