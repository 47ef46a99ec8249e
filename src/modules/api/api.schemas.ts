import { z } from 'zod'
import { textLimits } from '../../domain/text-limits.ts'
import { nilDetailsLimit, nilReasons } from '../returns/index.ts'
import { exampleNilSubmission, exampleSubmission } from './api.examples.ts'
import { returnValues } from './return-values.schema.ts'
import { requestMessages } from './schema-problems.ts'

// The returns API's schemas: what each route takes and answers. They check requests (schema-problems.ts
// words what they refuse), type the handlers and make the OpenAPI document (openapi-document.ts).

// ---- Requests

const nilReasonValues = nilReasons.map((r) => r.value)
const nilReasonsInWords = nilReasons.map((r) => `${r.value} (${r.label.toLowerCase()})`).join(', ')

// A nil return: no figures this period, and why; the same reasons as the web's "Nothing to report".
const nilReturnSubmission = z.strictObject({
  reason: z
    .enum(nilReasonValues as [string, ...string[]])
    .describe(`Why there are no figures: ${nilReasonsInWords}`),
  details: z
    .string()
    .max(nilDetailsLimit)
    .nullish()
    .describe('More about why, like when you expect to reopen. Required when the reason is other.'),
})

export const returnSubmission = z
  .strictObject({
    locationId: z
      .string()
      .refine((id) => id.trim() !== '')
      .describe('The CareHub location id (a UUID) or the CQC location ID, like 1-000000001'),
    periodStart: z.iso
      .date()
      .nullish()
      .describe(
        'The first day of the period reported on (a Monday for weekly returns). Defaults to the current period.',
      ),
    values: returnValues
      .optional()
      .describe('The figures. Leave out (or send {}) with nilReturn; required without it.'),
    nilReturn: nilReturnSubmission
      .nullish()
      .describe(
        'Instead of values: this location has no figures this period, and why. It counts as reported; its figures are read as not given, never as zeros.',
      ),
    amendmentReason: z
      .string()
      .max(textLimits.amendmentReason)
      .nullish()
      .describe('Required to replace a return already sent for the period'),
    amendsVersion: z
      .int()
      .min(0)
      .nullish()
      .describe(
        'The version of the period’s return this one replaces (0: none). If another version has been saved since, nothing is saved and the answer is 409.',
      ),
  })
  .meta({ examples: [exampleSubmission, exampleNilSubmission] })

requestMessages.set(returnSubmission, {
  type: 'malformed-request',
  detail: 'The request body is not a return submission.',
  notAnObject: 'The request body must be a JSON object.',
  unknownField: (name) => `${name} is not a property of a return`,
  fields: {
    locationId: 'Give locationId: the CareHub location id or the CQC location ID',
    values: 'Give values: an object with the return’s figures',
    nilReturn: `nilReturn must be an object: {"reason": one of ${nilReasonValues.join(', ')}, "details": text or null}`,
    periodStart: 'periodStart must be a date as a string, like "2020-04-14"',
    amendmentReason: 'amendmentReason must be a string',
    amendsVersion: 'amendsVersion must be a whole number, 0 or more',
  },
  // The returns service checks these with the location's kind of service and names every one at once
  // (422): the figures, whether the period's date is a date, the reason's length; a nil return's reason
  // and the length of its details, as for the web's nil return.
  leftForLater: (issue) =>
    (issue.path[0] === 'values' && (issue.path.length > 1 || issue.code === 'unrecognized_keys')) ||
    (issue.path[0] === 'nilReturn' &&
      (issue.path[1] === 'reason' || (issue.path[1] === 'details' && issue.code === 'too_big'))) ||
    (issue.path[0] === 'periodStart' && issue.code === 'invalid_format') ||
    (issue.path[0] === 'amendmentReason' && issue.code === 'too_big'),
})

export const idempotencyKeyHeaders = z.object({
  'Idempotency-Key': z
    .string()
    .min(1)
    .max(255)
    .regex(/^[\x20-\x7e]*$/)
    .optional()
    .describe(
      'Any unique string of up to 255 printable characters (a UUID is ideal). Remembered for 24 hours per token.',
    ),
})

requestMessages.set(idempotencyKeyHeaders, {
  type: 'malformed-request',
  detail: 'Idempotency-Key must be one header of 1 to 255 printable characters.',
  fields: { 'Idempotency-Key': 'Idempotency-Key must be 1 to 255 printable characters' },
})

// A query parameter as text: trimmed, and left out when blank. Given twice, `page`, `from` and `to` are
// left out too, as they always were; `locationId` given twice is refused.
const queryText = (value: unknown) => (typeof value === 'string' ? value.trim() || undefined : value)
const onceOrNot = (value: unknown) => (Array.isArray(value) ? undefined : queryText(value))
const wholeNumberText = (value: unknown) =>
  typeof value === 'string' && /^\d{1,6}$/.test(value.trim()) ? Number(value.trim()) : value

export const returnListQuery = z.object({
  locationId: z
    .preprocess(queryText, z.string().optional())
    .describe('Only this location: CareHub id or CQC location ID'),
  from: z.preprocess(onceOrNot, z.iso.date().optional()).describe('Periods starting on or after this date'),
  to: z.preprocess(onceOrNot, z.iso.date().optional()).describe('Periods starting on or before this date'),
  page: z
    .preprocess(
      (value) => (Array.isArray(value) ? undefined : wholeNumberText(value)),
      z.int().min(1).max(999_999).default(1),
    )
    .describe('The page to read, from 1 (the first, if not given)'),
})

requestMessages.set(returnListQuery, {
  type: 'malformed-request',
  detail: 'A query parameter is not valid.',
  fields: {
    page: 'page must be a whole number, 1 or more',
    from: 'from must be a date like 2020-04-14',
    to: 'to must be a date like 2020-04-14',
    locationId: 'Give locationId once',
  },
})

export const returnIdParams = z.object({ id: z.guid().describe('The return’s id') })

requestMessages.set(returnIdParams, {
  type: 'not-found',
  detail: 'There is no return with this id that this token may read.',
  fields: {},
  listsFields: false,
})

// ---- Answers

export const submittedReturn = z.object({
  id: z.guid(),
  locationId: z.guid(),
  periodStart: z.iso.date(),
  version: z.int().min(1),
})

export const returnResource = z.object({
  id: z.guid(),
  locationId: z.guid(),
  cqcLocationId: z.string().nullable(),
  locationName: z.string(),
  frequency: z.enum(['daily', 'weekly', 'monthly']),
  periodStart: z.iso.date(),
  version: z.int().min(1),
  isCurrent: z.boolean(),
  source: z.enum(['web', 'officer', 'upload', 'api', 'import']),
  timing: z.string().describe('on-time, late or locked, when it was sent'),
  nothingChanged: z.boolean(),
  nilReturn: z
    .object({
      reason: z.enum(nilReasonValues as [string, ...string[]]),
      details: z.string().nullable(),
    })
    .nullable()
    .describe('A nil return: no figures this period (its values are empty), and why. Null for any other.'),
  submittedAt: z.iso.datetime(),
  amendmentReason: z.string().nullable(),
  datasetVersion: z.int(),
  values: returnValues,
})

export const returnList = z.object({
  items: z.array(returnResource),
  page: z.int(),
  pageSize: z.int(),
  total: z.int(),
  links: z.object({ self: z.string(), next: z.string().optional(), prev: z.string().optional() }),
})

export const problemDetails = z
  .object({
    type: z.string().meta({ format: 'uri-reference' }),
    title: z.string(),
    status: z.int(),
    detail: z.string().optional(),
    errors: z
      .array(
        z.object({
          field: z.string().describe('The field at fault, like bedsOccupied'),
          pointer: z
            .string()
            .optional()
            .describe('Where it is in the request body (JSON Pointer), like /values/bedsOccupied'),
          message: z.string(),
        }),
      )
      .optional(),
  })
  .describe('RFC 9457 problem details')
