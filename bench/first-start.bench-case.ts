import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { demoPassword } from '../src/db/seed/demo-county.ts'
import type { BenchCase } from './bench-case.ts'

type Input = { copy: string }
type State = Input & { port: number; server: ChildProcess | null; output: string[] }

const repo = path.resolve(import.meta.dirname, '..')
const readyTimeoutMs = 180_000
// The server of the run in progress: verify, after the clock, is given only the run's details.
let current: State | null = null

// Issue 27, criterion 5: what a fresh clone does after `npm install`: `npm start` with no ./data. A copy
// of the working tree (the files git tracks or would, with node_modules linked), made once; each run
// removes its ./data, starts the real entry (package.json's start script: node with its flags,
// bin/carehub.js serve) and is timed from the spawn until /readyz answers 200. After the clock: a demo
// user signs in, and the printed address, sign-ins and demo progress are checked; then the server stops.
// The copy is prepared once, as `npm install` does (package.json's prepare script: the app compiled into
// dist/ and the demo county's database made for today, timed apart as prepareSeconds), and the start runs
// the compiled app and takes that demo; a run after the first prepares the demo again first. CPU and RSS in the results are the bench process's, not the server's.
export const firstStartCase: BenchCase<Record<string, never>, Input, State> = {
  id: 'first-start',

  async prepare(_params, workDir) {
    const copy = path.join(workDir, 'fresh-clone')
    const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: repo })
      .toString()
      .split('\0')
      .filter((f) => f && fs.existsSync(path.join(repo, f)) && !f.startsWith('node_modules'))
    for (const file of files) {
      fs.mkdirSync(path.dirname(path.join(copy, file)), { recursive: true })
      fs.copyFileSync(path.join(repo, file), path.join(copy, file))
    }
    fs.symlinkSync(fs.realpathSync(path.join(repo, 'node_modules')), path.join(copy, 'node_modules'))
    // What `npm install` does after fetching the packages: the project's prepare script (the app compiled).
    const prepare = packageScript('prepare').split(/\s+/)
    if (prepare[0] !== 'node')
      throw new Error(`the prepare script is not a node command: ${prepare.join(' ')}`)
    const started = performance.now()
    const prepared = execFileSync(process.execPath, prepare.slice(1), { cwd: copy, env: installEnv() })
      .toString()
      .trim()
    return {
      input: { copy },
      facts: {
        files: files.length,
        entry: startCommand().join(' '),
        // Install time the first start's speed costs: the compile and the demo prepared for today.
        prepareSeconds: Number(((performance.now() - started) / 1000).toFixed(1)),
        prepare: prepared,
      },
    }
  },

  async load(input) {
    return { ...input, port: 0, server: null, output: [] }
  },

  async setup(_db, state) {
    fs.rmSync(path.join(state.copy, 'data'), { recursive: true, force: true })
    // A first start takes the demo prepared at install: each run after the first is again a fresh
    // install's first start, its demo prepared as the install does (not timed).
    if (!fs.existsSync(path.join(state.copy, 'dist', 'demo-database', 'manifest.json')))
      execFileSync(process.execPath, ['bin/carehub.js', 'prepare-demo'], {
        cwd: state.copy,
        env: installEnv(),
      })
    state.port = await freePort()
  },

  async run(_db, state) {
    const [node, ...args] = startCommand()
    const env: NodeJS.ProcessEnv = { ...installEnv(), PORT: String(state.port), HOST: '127.0.0.1' }
    const server = spawn(node!, args, { cwd: state.copy, env, stdio: ['ignore', 'pipe', 'pipe'] })
    state.server = server
    current = state
    server.stdout!.on('data', (chunk: Buffer) => state.output.push(chunk.toString()))
    server.stderr!.on('data', (chunk: Buffer) => state.output.push(chunk.toString()))
    const started = performance.now()
    let exited: string | null = null
    server.once('exit', (code, signal) => {
      exited = `the server ended (${signal ?? `exit code ${code}`})`
    })
    try {
      await untilReady(state, started, () => exited)
    } catch (error) {
      await stop(server)
      throw error
    }
    const readySeconds = (performance.now() - started) / 1000
    const cpuSeconds = cpuSecondsOf(server.pid!)
    return {
      readySeconds: Number(readySeconds.toFixed(2)),
      // The machine's load shows in the wall time, hardly in the CPU time: on an idle machine the wall
      // time is about the server's CPU time (one thread, with esbuild beside it compiling TypeScript).
      serverCpuSecondsUntilReady: cpuSeconds === null ? null : Number(cpuSeconds.toFixed(2)),
      loadAverage: os.loadavg()[0],
    }
  },

  async verify() {
    const state = current
    if (!state) throw new Error('no server')
    try {
      const output = state.output.join('')
      const base = `http://127.0.0.1:${state.port}`
      if (!output.includes(`CareHub is running at ${base}`)) throw new Error('the address was not printed')
      if (!output.includes('admin@northmoor.example') || !output.includes(demoPassword))
        throw new Error('the demo sign-ins were not printed')
      if (!/Loading the demo county/.test(output)) throw new Error('no demo progress was printed')
      // Nor is a start that loaded the demo itself: the line says why the prepared one was not used.
      const afresh = /Loading the demo county afresh.*/.exec(output)
      if (afresh) throw new Error(`the demo prepared at install was not used: ${afresh[0]}`)
      // A stale prepared empty database is not an error (the start runs initdb), but it is not the start measured.
      if (output.includes('running initdb')) throw new Error('the prepared empty database was not used')
      return { signedIn: await signIn(base, 'officer@northmoor.example') }
    } finally {
      await stop(state.server)
    }
  },
}

async function untilReady(state: State, started: number, exited: () => string | null) {
  for (;;) {
    const ended = exited()
    if (ended) throw new Error(`${ended}:\n${state.output.join('').slice(-2000)}`)
    if (performance.now() - started > readyTimeoutMs) throw new Error('not ready after 3 minutes')
    const status = await fetch(`http://127.0.0.1:${state.port}/readyz`).then(
      (r) => r.status,
      () => 0,
    )
    if (status === 200) return
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

// CPU seconds (user and system) of a process and its children still running (tsx's esbuild), from
// /proc; null where there is none.
function cpuSecondsOf(pid: number): number | null {
  const stat = (p: string) => {
    try {
      // Fields after the command's closing parenthesis: state is the first, utime the 12th, stime the 13th.
      const text = fs.readFileSync(`/proc/${p}/stat`, 'utf8')
      return text.slice(text.lastIndexOf(')') + 2).split(' ')
    } catch {
      return null
    }
  }
  const own = stat(String(pid))
  if (!own) return null
  const ticks = (f: string[]) => Number(f[11]) + Number(f[12])
  let total = ticks(own)
  for (const p of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    const f = stat(p)
    if (f && Number(f[1]) === pid) total += ticks(f)
  }
  // Linux counts in clock ticks of 1/100 s (USER_HZ) on every platform Node supports.
  return total / 100
}

// The environment of an install and of the start: the bench's own database settings left out.
function installEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env }
  for (const name of ['DATABASE_URL', 'DATA_DIR', 'DEMO', 'NODE_ENV']) delete env[name]
  return env
}

const packageScript = (name: string): string =>
  JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8')).scripts[name]

// package.json's start script, as `npm start` runs it (without npm's own start-up in the figure).
function startCommand(): string[] {
  const script = packageScript('start')
  const [command, ...args] = script.split(/\s+/)
  if (command !== 'node') throw new Error(`npm start is not a node command: ${script}`)
  return [process.execPath, ...args]
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo
      probe.close(() => resolve(port))
    })
  })
}

// The sign-in form as a browser sends it: its CSRF token and cookie, then the page it leads to.
async function signIn(base: string, email: string): Promise<string> {
  const page = await fetch(`${base}/sign-in`)
  const cookies = page.headers.getSetCookie().map((c) => c.split(';')[0])
  const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1]
  if (!token) throw new Error('no CSRF token on the sign-in page')
  const response = await fetch(`${base}/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookies.join('; ') },
    body: new URLSearchParams({ _csrf: token, email, password: demoPassword }),
  })
  const location = response.headers.get('location')
  if (response.status !== 302 || !location || location.includes('sign-in'))
    throw new Error(`the demo sign-in failed: ${response.status} ${location ?? ''}`)
  const session = [...cookies, ...response.headers.getSetCookie().map((c) => c.split(';')[0])]
  const home = await fetch(new URL(location, base), { headers: { cookie: session.join('; ') } })
  if (home.status !== 200) throw new Error(`after signing in, ${location} answered ${home.status}`)
  return `${email}: 302 to ${location}, 200`
}

async function stop(server: ChildProcess | null) {
  if (!server || server.exitCode !== null || server.signalCode !== null) return
  const exited = new Promise((resolve) => server.once('exit', resolve))
  server.kill('SIGTERM')
  const timer = setTimeout(() => server.kill('SIGKILL'), 10_000)
  await exited
  clearTimeout(timer)
}
