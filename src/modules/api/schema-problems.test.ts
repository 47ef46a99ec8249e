import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import {
  exampleCreated,
  exampleNilSubmission,
  exampleSubmission,
  exampleValidationProblem,
} from './api.examples.ts'
import {
  idempotencyKeyHeaders,
  problemDetails,
  returnListQuery,
  returnSubmission,
  submittedReturn,
} from './api.schemas.ts'
import { returnValuesByServiceType } from './return-values.schema.ts'
import { RequestProblem, requestMessages, validatorCompiler } from './schema-problems.ts'

const compile = (schema: z.ZodType, httpPart = 'body') =>
  validatorCompiler({ schema, method: 'POST', url: '/api/v1/test', httpPart })

// What a validator answers: the value it passes on, or the problem it refuses with.
function check(schema: z.ZodType, data: unknown, httpPart = 'body') {
  const result = compile(schema, httpPart)(data) as { value?: unknown; error?: unknown }
  if (result.error instanceof RequestProblem) return { problem: result.error.problem }
  return { value: result.value }
}

describe('the API’s request schemas', () => {
  it('name each field at fault in our words, unknown fields first, in a fixed order', () => {
    const body = { zeta: 1, locationId: 7, amendsVersion: -1, values: [], alpha: 'x', periodStart: 3 }
    const { problem } = check(returnSubmission, body)
    expect(problem).toEqual({
      type: '/api/docs#malformed-request',
      title: 'The request is malformed',
      status: 400,
      detail: 'The request body is not a return submission.',
      errors: [
        { field: 'zeta', pointer: '/zeta', message: 'zeta is not a property of a return' },
        { field: 'alpha', pointer: '/alpha', message: 'alpha is not a property of a return' },
        {
          field: 'locationId',
          pointer: '/locationId',
          message: 'Give locationId: the CareHub location id or the CQC location ID',
        },
        { field: 'values', pointer: '/values', message: 'Give values: an object with the return’s figures' },
        {
          field: 'periodStart',
          pointer: '/periodStart',
          message: 'periodStart must be a date as a string, like "2020-04-14"',
        },
        {
          field: 'amendsVersion',
          pointer: '/amendsVersion',
          message: 'amendsVersion must be a whole number, 0 or more',
        },
      ],
    })
    // Zod's own words reach nobody.
    const zodWords = returnSubmission.safeParse(body).error!.issues.map((i) => i.message)
    for (const words of zodWords) expect(JSON.stringify(problem)).not.toContain(words)
  })

  it('say a body that is not an object is not one, naming no field', () => {
    for (const body of [null, [], 'text', 5])
      expect(check(returnSubmission, body).problem).toMatchObject({
        status: 400,
        detail: 'The request body must be a JSON object.',
      })
    expect(check(returnSubmission, []).problem).not.toHaveProperty('errors')
  })

  it('leave the figures, the period’s date and the reason’s length to the returns service, which names them with the rest', () => {
    const body = {
      locationId: '1-000000001',
      periodStart: '2020-02-30',
      amendmentReason: 'x'.repeat(10_000),
      values: { ppeDaysGloves: -2, staffEmployed: 'fifty', notAField: 1 },
    }
    expect(check(returnSubmission, body)).toEqual({ value: body })
    // A nil return's reason and its details' length too, as the web's nil return is checked.
    for (const nilReturn of [{ reason: 'on-holiday' }, {}, { reason: 'other', details: 'x'.repeat(5000) }]) {
      const nil = { locationId: '1-000000001', nilReturn }
      expect(check(returnSubmission, nil)).toEqual({ value: nil })
    }
  })

  it('name a nil return that is not shaped like one', () => {
    for (const nilReturn of ['closed', { reason: 'other', details: 5 }, { reason: 'other', until: 'May' }])
      expect(check(returnSubmission, { locationId: '1-000000001', nilReturn }).problem?.errors).toEqual([
        {
          field: 'nilReturn',
          pointer: '/nilReturn',
          message:
            'nilReturn must be an object: {"reason": one of no-people-supported, temporarily-closed, other, "details": text or null}',
        },
      ])
  })

  it('read query parameters as they always were: trimmed, blank left out, given twice refused or left out', () => {
    expect(
      check(returnListQuery, { page: ' 2 ', from: '', to: ' 2020-04-30 ', other: 'x' }, 'querystring'),
    ).toEqual({
      value: { page: 2, to: '2020-04-30' },
    })
    expect(check(returnListQuery, { page: ['1', '2'], from: ['2020-01-01', 'x'] }, 'querystring')).toEqual({
      value: { page: 1 },
    })
    expect(
      check(returnListQuery, { page: '0', from: '2020-02-30', locationId: ['a', 'b'] }, 'querystring').problem
        ?.errors,
    ).toEqual([
      { field: 'page', pointer: '/page', message: 'page must be a whole number, 1 or more' },
      { field: 'from', pointer: '/from', message: 'from must be a date like 2020-04-14' },
      { field: 'locationId', pointer: '/locationId', message: 'Give locationId once' },
    ])
  })

  it('read a header by its lower-case name and leave the headers as they came', () => {
    const headers = { 'idempotency-key': 'abc', host: 'x' }
    expect(check(idempotencyKeyHeaders, headers, 'headers')).toEqual({ value: headers })
    expect(check(idempotencyKeyHeaders, { 'idempotency-key': 'é' }, 'headers').problem?.errors).toEqual([
      {
        field: 'Idempotency-Key',
        pointer: '/Idempotency-Key',
        message: 'Idempotency-Key must be 1 to 255 printable characters',
      },
    ])
  })

  it('refuse to start a route whose schema has no words, or a field without its message', () => {
    expect(() => compile(z.object({ a: z.string() }))).toThrow('its body schema has no requestMessages')
    const unworded = z.object({ a: z.string(), b: z.string() })
    requestMessages.set(unworded, { type: 'malformed-request', detail: 'd', fields: { a: 'A' } })
    expect(() => compile(unworded)).toThrow('no message for body field b')
  })

  it('take the documented examples', () => {
    expect(returnSubmission.safeParse(exampleSubmission).success).toBe(true)
    expect(returnSubmission.safeParse(exampleNilSubmission).success).toBe(true)
    // The example is a care home without nursing's full return.
    expect(
      returnValuesByServiceType['ReturnValues.care_home_residential']!.safeParse(exampleSubmission.values)
        .error,
    ).toBeUndefined()
    expect(submittedReturn.safeParse(exampleCreated).success).toBe(true)
    expect(problemDetails.safeParse(exampleValidationProblem).success).toBe(true)
  })
})
