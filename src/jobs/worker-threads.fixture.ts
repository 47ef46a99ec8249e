import { createInflateRaw } from 'node:zlib'

// A task for worker-threads.test.ts: it echoes, sends parts, fails, grows without end, or makes zlib
// streams without end, as asked.
export default async function task(
  input: {
    action: 'echo' | 'parts' | 'fail' | 'grow' | 'grow-slowly' | 'wait' | 'inflate'
    bytes?: Uint8Array
  },
  send: (part: unknown) => Promise<unknown>,
) {
  const typed: number = 1
  if (input.action === 'fail') throw new Error('asked to fail')
  if (input.action === 'parts') for (let i = 0; i < 3; i++) await send(i)
  if (input.action === 'grow') {
    const kept: string[][] = []
    for (;;) kept.push(Array.from({ length: 100_000 }, (_, i) => `row ${i} ${kept.length}`))
  }
  // As a reader of a stream grows: a little at a time, with other work in between.
  if (input.action === 'grow-slowly') {
    const kept: string[][] = []
    for (;;) {
      kept.push(Array.from({ length: 20_000 }, (_, i) => `row ${i} ${kept.length}`))
      await new Promise((resolve) => setImmediate(resolve))
    }
  }
  if (input.action === 'inflate')
    for (let i = 0; ; i++) {
      createInflateRaw()
      if (i % 2000 === 0) await new Promise((resolve) => setImmediate(resolve))
    }
  if (input.action === 'wait') await new Promise((resolve) => setTimeout(resolve, 60_000))
  // Writes into the caller's memory when it is shared, so the test can see that it was not copied.
  if (input.bytes) input.bytes[0] = 42
  return { typed, action: input.action }
}
