import { describe, expect, it } from 'vitest'
import { isDatabaseUnavailable } from './database-unavailable.ts'

const withCode = (code: string, message = 'failed') => Object.assign(new Error(message), { code })

describe('isDatabaseUnavailable', () => {
  it.each([
    [
      'an administrator shutdown (a restart)',
      withCode('57P01', 'terminating connection due to administrator command'),
    ],
    ['a crash shutdown', withCode('57P02')],
    ['a server starting up or shutting down', withCode('57P03', 'the database system is starting up')],
    ['too many connections', withCode('53300')],
    ['a connection exception (class 08)', withCode('08006')],
    ['a connection refused', withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['a connection reset', withCode('ECONNRESET', 'read ECONNRESET')],
    ['the server closing the connection', new Error('Connection terminated unexpectedly')],
    ['a connection ended', new Error('Connection terminated')],
    ['a connection timeout', new Error('Connection terminated due to connection timeout')],
    ['no free connection in time', new Error('timeout exceeded when trying to connect')],
    [
      'a query on a failed connection',
      new Error('Client has encountered a connection error and is not queryable'),
    ],
    ['a wrapped cause', new Error('saving failed', { cause: withCode('ECONNREFUSED') })],
    ['every address refusing', new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')])],
  ])('is true for %s', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true)
  })

  it.each([
    ['a unique violation', withCode('23505', 'duplicate key value violates unique constraint')],
    ['a syntax error', withCode('42601')],
    ['a serialization failure (retried by the code, not the client)', withCode('40001')],
    ['a value out of range', withCode('22003')],
    ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a Fastify error with a status', Object.assign(new Error('Forbidden'), { statusCode: 403 })],
    ['a message that merely mentions a connection', new Error('Enter a Connection terminated note')],
    ['not an error at all', 'ECONNREFUSED'],
    ['nothing', undefined],
  ])('is false for %s', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false)
  })

  it('stops at an error that is its own cause', () => {
    const error: Error & { cause?: unknown } = new Error('loop')
    error.cause = error
    expect(isDatabaseUnavailable(error)).toBe(false)
  })
})
