import fs from 'node:fs'
import { Worker } from 'node:worker_threads'

// Samples the process's resident set size every `intervalMs` from a worker thread, so the samples keep
// coming while the main thread is busy (a synchronous CSV parse, or PGlite, which runs its queries on the
// main thread and resolves them without ever yielding to timers). Times are monoMs() (./clock.ts).
const samplerSource = `
const { parentPort, workerData } = require('node:worker_threads')
const samples = []
const sample = () => samples.push([Number(process.hrtime.bigint()) / 1e6, process.memoryUsage.rss()])
sample()
parentPort.postMessage('started')
const timer = setInterval(sample, workerData.intervalMs)
parentPort.on('message', () => {
  clearInterval(timer)
  sample()
  parentPort.postMessage(samples)
  parentPort.close()
})
`

export type RssSample = [atMs: number, rssBytes: number]
export type RssSampler = { stop: () => Promise<{ peakBytes: number; samples: RssSample[] }> }

export async function startRssSampler(intervalMs = 50): Promise<RssSampler> {
  const worker = new Worker(samplerSource, { eval: true, workerData: { intervalMs } })
  await new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve())
    worker.once('error', reject)
  })
  return {
    async stop() {
      const samples = await new Promise<RssSample[]>((resolve, reject) => {
        worker.once('message', resolve)
        worker.once('error', reject)
        worker.postMessage('stop')
      })
      await worker.terminate()
      return { peakBytes: Math.max(...samples.map(([, rss]) => rss)), samples }
    },
  }
}

// The process's exact peak resident set from the time it is called, from Linux: writing 5 to
// /proc/self/clear_refs resets the kernel's high-water mark (VmHWM in /proc/self/status) to the
// current RSS. No thread is added to the process measured (a sampling worker thread is a V8 instance of
// its own, about 11 MB of the figure) and no peak falls between two samples. Null where /proc is not
// there or may not be written; the caller then samples.
export function startKernelPeakRss(): { stop: () => { peakBytes: number } } | null {
  const highWaterMark = () => {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(fs.readFileSync('/proc/self/status', 'utf8'))
    return match ? Number(match[1]) * 1024 : null
  }
  try {
    fs.writeFileSync('/proc/self/clear_refs', '5')
    if (highWaterMark() === null) return null
  } catch {
    return null
  }
  return { stop: () => ({ peakBytes: highWaterMark()! }) }
}

// The peak resident set from now on: the kernel's where it can be read (no samples), else sampled every
// 50 ms.
export async function startPeakRss(): Promise<RssSampler> {
  const kernel = startKernelPeakRss()
  if (kernel) return { stop: async () => ({ ...kernel.stop(), samples: [] }) }
  return startRssSampler(50)
}
