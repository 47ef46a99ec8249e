// Whether an error means the database cannot be reached just now (a restart, a failover, a dropped
// connection, a proxy or network in between gone), as opposed to a fault in a query or in the code.
// Such a request is answered 503 with Retry-After, and the client's retry succeeds once the database is
// back: the connection pool opens fresh connections on the next query by itself.

// How long a client is asked to wait before it tries again (a restart takes a few seconds).
export const retryAfterSeconds = 5

// SQLSTATEs: admin shutdown, crash shutdown, cannot connect now (starting up or shutting down), too
// many connections; every code of class 08 (connection exception) is tested for by its prefix.
const unavailableStates = new Set(['57P01', '57P02', '57P03', '53300'])
// Socket errors on the way to the server (Node's system error codes).
const socketCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
])
// node-postgres's own errors carry no code, only these messages: the server closed the connection
// ("Connection terminated unexpectedly"), the pool's connection timeout ("Connection terminated due to
// connection timeout", "timeout exceeded when trying to connect"), and a query on a connection that
// already failed ("Client has encountered a connection error and is not queryable").
const driverMessages =
  /^(?:Connection terminated\b|timeout exceeded when trying to connect|Client has encountered a connection error and is not queryable|Client was closed and is not queryable)/

export function isDatabaseUnavailable(error: unknown): boolean {
  // The error itself, and what caused it (a wrapped error, or each error of an AggregateError, as Node
  // gives for a host name with several addresses all refusing).
  const seen = new Set<unknown>()
  const pending: unknown[] = [error]
  while (pending.length) {
    const e = pending.pop()
    if (typeof e !== 'object' || e === null || seen.has(e)) continue
    seen.add(e)
    const { code, message, cause, errors } = e as {
      code?: unknown
      message?: unknown
      cause?: unknown
      errors?: unknown
    }
    if (typeof code === 'string') {
      if (code.length === 5 && code.startsWith('08')) return true
      if (unavailableStates.has(code) || socketCodes.has(code)) return true
    }
    if (typeof message === 'string' && driverMessages.test(message)) return true
    pending.push(cause)
    if (Array.isArray(errors)) pending.push(...errors)
  }
  return false
}
