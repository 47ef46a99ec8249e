// The entry point of every worker thread: the project's TypeScript runs through tsx, as in bin/carehub.js
// (a worker does not share the main thread's module hooks, and under Vitest there are none to share).
// The task module's default export is called with the input; what it returns is the answer, and what
// it passes to `send` goes to the main thread as it comes: `send` resolves once the main thread has
// taken the part, so that parts do not pile up there to be read all in one go.
import { parentPort, workerData } from 'node:worker_threads'
import { register } from 'tsx/esm/api'

register()
const { entry, input } = workerData
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
