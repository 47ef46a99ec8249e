import { type FastifyReply, type FastifyRequest, type FastifyServerOptions, LogController } from 'fastify'
import { writeSync } from 'node:fs'
import type { Config } from '../config.ts'
import { staticPrefixes } from './static.ts'

// How the server logs. In production, and whenever the output is not a terminal (a container, a file, a
// log collector), JSON: one object a line, every request, for machines to read. In development on a
// terminal (NODE_ENV not production, standard output a TTY: `npm start`, `npm run dev`), one readable
// line per request — "GET /locations 200 12 ms" — and none for static files (stylesheets, scripts,
// fonts, images, the favicon), so the start-up banner with the address and the demo sign-ins does not
// scroll away under them.
export type LogFormat = 'lines' | 'json'

export function logFormatFor(env: Config['env'], outputIsTerminal: boolean): LogFormat {
  return env !== 'production' && outputIsTerminal ? 'lines' : 'json'
}

// Log lines carry the path with any secret link token masked, never query strings or bodies.
export function loggedPath(url: string): string {
  return url
    .split('?')[0]!
    .replace(/\/(reset-password|accept-invitation|bulletins\/read)\/[^/]+/, '/$1/[token]')
}

// Files the browser fetches for every page: not worth a line each while developing.
export function isStaticFile(url: string): boolean {
  const path = url.split('?')[0]!
  return staticPrefixes.some((prefix) => path.startsWith(prefix)) || path === '/favicon.ico'
}

// The readable form's requests: one line when the response is sent (none when it arrives), none for
// static files, and no separate "not found" line (the line says 404).
class OneLinePerRequest extends LogController {
  override isLogDisabled(request: FastifyRequest): boolean {
    return isStaticFile(request.url)
  }
  override incomingRequest(): void {}
  override routeNotFound(): void {}
  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    if (this.isLogDisabled(request)) return
    const line = `${request.method} ${loggedPath(request.url)} ${reply.statusCode} ${Math.round(reply.elapsedTime)} ms`
    if (error) reply.log.error({ err: error }, line)
    else reply.log.info(line)
  }
}

const levels: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' }
const clockTime = new Intl.DateTimeFormat('en-GB', { timeStyle: 'medium', timeZone: 'Europe/London' })
// What pino adds to every record, shown (or not) by the line itself.
const recordKeys = new Set([
  'level',
  'time',
  'pid',
  'hostname',
  'msg',
  'reqId',
  'req',
  'res',
  'responseTime',
  'err',
])

// One pino record (a JSON line) as a person reads it: "10:41:07 GET /locations 200 12 ms", with the
// level when above info, any other fields after the message, and an error's stack under it.
export function readableLine(json: string): string {
  let record: Record<string, unknown>
  try {
    record = JSON.parse(json)
  } catch {
    return json.trimEnd()
  }
  const level = levels[record.level as number]
  const extra = Object.entries(record).filter(([key]) => !recordKeys.has(key))
  const err = record.err as { stack?: string; message?: string } | undefined
  return [
    `${clockTime.format(new Date(record.time as number))}${level ? ` ${level}` : ''} ${record.msg ?? ''}`,
    extra.length ? ` ${JSON.stringify(Object.fromEntries(extra))}` : '',
    err ? `\n${err.stack ?? err.message}` : '',
  ].join('')
}

// The Fastify options for the chosen form. `write`: where the lines go (by default standard output).
export function loggingOptions(
  config: Pick<Config, 'logLevel'>,
  format: LogFormat,
  write?: (text: string) => void,
): { logger: FastifyServerOptions['logger']; logController?: LogController } {
  if (format === 'lines') {
    const out = write ?? ((text: string) => process.stdout.write(text))
    return {
      logger: { level: config.logLevel, stream: { write: (json: string) => out(`${readableLine(json)}\n`) } },
      logController: new OneLinePerRequest(),
    }
  }
  return {
    logger: {
      level: config.logLevel,
      stream: { write: write ?? writeOrDrop },
      serializers: {
        req: (req: { method: string; url: string; id: string }) => ({
          method: req.method,
          path: loggedPath(req.url),
          id: req.id,
        }),
      },
    },
  }
}

// The JSON log's own writer to standard output, which a log it cannot write never stops: pino's default
// writer, on a full disk under the log file (ENOSPC), threw from an 'error' event and then, on the way
// out, retried that write for ever, so the process stayed up answering nothing, /healthz included
// (test/faults/disk-full-export.db.test.ts). A line that cannot be written is dropped; the next is
// tried. A pipe that is full for a moment (EAGAIN) is waited for, briefly, as pino waited.
const pipeFull = new Int32Array(new SharedArrayBuffer(4))
function writeOrDrop(line: string) {
  let rest = Buffer.from(line)
  for (let busy = 0; rest.length > 0; ) {
    try {
      rest = rest.subarray(writeSync(1, rest))
    } catch (error) {
      if ((error as { code?: string }).code !== 'EAGAIN' || ++busy > 100) return
      Atomics.wait(pipeFull, 0, 0, 1)
    }
  }
}
