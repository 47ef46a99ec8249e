// The entry point of every worker thread: the project's TypeScript runs through tsx, as in bin/carehub.js
// (a worker does not share the main thread's module hooks, and under Vitest there are none to share).
// The task module's default export is called with the input; what it returns is the answer, and what
// it passes to `send` goes to the main thread as it comes: `send` resolves once the main thread has
// taken the part, so that parts do not pile up there to be read all in one go.
// The thread ends itself, between statements, once it has answered or its time is up. Stopped from
// outside (Worker.terminate), it can be stopped half-way through making a zlib stream (a spreadsheet
// reader inflating entries), and Node then aborts the whole process as it tears the thread down
// ("close before init" in node_zlib.cc). Messages already posted are still delivered. For the same
// reason it watches its own heap and stops itself short of its limit: V8 stops a thread that reaches
// it wherever it is. A loop that never waits is still stopped that way, as the last resort.
import { getHeapStatistics } from 'node:v8'
import { parentPort, workerData } from 'node:worker_threads'
import { register } from 'tsx/esm/api'

register()
const { entry, input, seconds, heapMb } = workerData
setTimeout(() => {
  parentPort.postMessage({ timedOut: true })
  process.exit(1)
}, seconds * 1000).unref()
// The limit is the old generation's (resourceLimits.maxOldGenerationSizeMb), which V8 enforces.
const heapLimit = heapMb * 1024 * 1024
setInterval(() => {
  if (getHeapStatistics().used_heap_size < heapLimit * 0.9) return
  parentPort.postMessage({ outOfMemory: true })
  process.exit(1)
}, 20).unref()
const send = (part) =>
  new Promise((resolve) => {
    parentPort.once('message', resolve)
    parentPort.postMessage({ part })
  })
try {
  const task = await import(entry)
  const result = await task.default(input, send)
  parentPort.postMessage({ done: result })
} catch (error) {
  parentPort.postMessage({ failed: error instanceof Error ? (error.stack ?? error.message) : String(error) })
}
process.exit(0)
