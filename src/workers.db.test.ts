import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from './config.ts'
import { createTestDatabase, type TestDatabase } from '../test/support/test-database.ts'

// WORKERS=2: the real `carehub serve`, as a process with two web workers sharing one port, on a
// PostgreSQL database of its own (the embedded database belongs to one process, so it is refused).

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })

// The primary's Node children (tsx's esbuild service is a child too).
const workersOf = (pid: number) =>
  execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(pid)], { encoding: 'utf8' })
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([, command]) => command === 'node')
    .map(([child]) => Number(child))

async function waitFor<T>(what: string, probe: () => Promise<T | null> | T | null, ms = 60_000): Promise<T> {
  const until = Date.now() + ms
  for (;;) {
    const value = await Promise.resolve(probe()).catch(() => null)
    if (value !== null && value !== false) return value as T
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 200))
  }
}

describe('WORKERS: one web worker per core', () => {
  it('is refused on the embedded database, with the reason', () => {
    expect(() => loadConfig({ WORKERS: '2' })).toThrow(/WORKERS needs DATABASE_URL/)
    expect(() => loadConfig({ WORKERS: 'many' })).toThrow(/auto or a number/)
    expect(loadConfig({ WORKERS: 'auto', DATABASE_URL: 'postgres://x@localhost/y' }).workers).toBe('auto')
  })

  describe.skipIf(!process.env.TEST_DATABASE_URL)('on PostgreSQL', () => {
    let database: TestDatabase
    let server: ChildProcess
    let port: number
    let output = ''
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'carehub-workers-'))

    beforeAll(async () => {
      database = await createTestDatabase('postgres')
      port = await freePort()
      server = spawn(process.execPath, ['bin/carehub.js', 'serve'], {
        env: {
          ...process.env,
          NODE_ENV: 'test',
          DATABASE_URL: database.url!,
          WORKERS: '2',
          BASE_URL: `http://127.0.0.1:${port}`,
          PORT: String(port),
          DATA_DIR: dataDir,
          LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      server.stdout!.on('data', (d) => (output += d))
      server.stderr!.on('data', (d) => (output += d))
      await waitFor('the workers to listen', () => {
        if (server.exitCode !== null) throw new Error('the server stopped')
        return output.includes('with 2 web workers')
      }).catch((e) => {
        throw new Error(`${e.message}; the server said: ${output}`)
      })
    }, 90_000)

    afterAll(async () => {
      if (server.exitCode === null) {
        server.kill('SIGTERM')
        await new Promise((r) => server.once('exit', r))
      }
      await database.drop()
      fs.rmSync(dataDir, { recursive: true, force: true })
    })

    it('answers on one port from two processes, replaces a worker that dies, and stops them all', async () => {
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`)
      expect(ready.status).toBe(200)
      const workers = workersOf(server.pid!)
      expect(workers).toHaveLength(2)

      process.kill(workers[0]!, 'SIGKILL')
      const replaced = await waitFor('a replacement worker', () => {
        const now = workersOf(server.pid!)
        return now.length === 2 && !now.includes(workers[0]!) ? now : null
      })
      expect(replaced).toContain(workers[1])
      await waitFor('the replacement to answer', async () => {
        const statuses = await Promise.all(
          Array.from({ length: 6 }, () => fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status)),
        )
        return statuses.every((s) => s === 200) ? true : null
      })
      expect(output).toMatch(/A web worker stopped \(SIGKILL\); starting another/)

      server.kill('SIGTERM')
      const code = await new Promise((r) => server.once('exit', (c) => r(c)))
      expect(code).toBe(0)
      for (const pid of replaced) expect(() => process.kill(pid, 0)).toThrow()
    }, 90_000)
  })
})
