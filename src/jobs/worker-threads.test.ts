import { describe, expect, it } from 'vitest'
import { runInWorker, WorkerStopped } from './worker-threads.ts'

const task = new URL('./worker-threads.fixture.ts', import.meta.url)
const limits = { heapMb: 64, seconds: 30 }

describe('runInWorker', () => {
  it('runs a TypeScript task in a worker thread and returns its answer and parts', async () => {
    const parts: unknown[] = []
    const answer = await runInWorker(task, { action: 'parts' }, limits, (p) => parts.push(p))
    expect(answer).toEqual({ typed: 1, action: 'parts' })
    expect(parts).toEqual([0, 1, 2])
  })

  it('shares the memory of a SharedArrayBuffer with the worker rather than copying it', async () => {
    const bytes = new Uint8Array(new SharedArrayBuffer(8))
    await runInWorker(task, { action: 'echo', bytes }, limits)
    expect(bytes[0]).toBe(42)
  })

  it('fails with the task’s error', async () => {
    await expect(runInWorker(task, { action: 'fail' }, limits)).rejects.toThrow('asked to fail')
  })

  it('stops a worker that outgrows its heap, and one that takes too long, without harm to this thread', async () => {
    // A loop that never waits: V8 stops it at its heap limit.
    await expect(runInWorker(task, { action: 'grow' }, limits)).rejects.toMatchObject({
      reason: 'out-of-memory',
      byItself: false,
    })
    await expect(runInWorker(task, { action: 'wait' }, { heapMb: 64, seconds: 0.5 })).rejects.toEqual(
      new WorkerStopped('timed-out'),
    )
    expect(await runInWorker(task, { action: 'echo' }, limits)).toEqual({ typed: 1, action: 'echo' })
  }, 30_000)

  it('stops a worker that grows a little at a time by itself, before V8 must', async () => {
    await expect(runInWorker(task, { action: 'grow-slowly' }, limits)).rejects.toMatchObject({
      reason: 'out-of-memory',
      byItself: true,
    })
  }, 30_000)

  // Stopped from outside while it makes a zlib stream, a worker thread aborts the whole process.
  it('stops a worker busy making zlib streams when its time is up, and this process lives on', async () => {
    for (let i = 0; i < 10; i++)
      await expect(
        runInWorker(task, { action: 'inflate' }, { heapMb: 64, seconds: 0.2 }),
      ).rejects.toMatchObject({ reason: 'timed-out', byItself: true })
    // Ten worker threads each load the task afresh: seconds on a slow, busy machine.
  }, 30_000)
})
