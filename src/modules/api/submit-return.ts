import { createHash } from 'node:crypto'
import { isIsoDate } from '../../domain/dates.ts'
import { textLimits, tooLong } from '../../domain/text-limits.ts'
import {
  type FieldError,
  type NilReturnService,
  nilReasons,
  type ReturnsService,
  type SubmissionHook,
} from '../returns/index.ts'
import { apiPaths } from './api.paths.ts'
import type { ApiClient, ApiService } from './api.service.ts'
import { type FieldProblem, fieldProblem, problem } from './problem.ts'

// POST /api/v1/returns, short of HTTP: checks the body's shape, finds the location (by CareHub id or CQC
// location ID), checks the period, then hands the figures to the returns service, which validates and
// saves them exactly as it does for the web form; or a nil return (no figures, and why) to its nil
// return service, as the web's "Nothing to report" does. Nothing is saved unless the answer is 201.

export type ApiAnswer = { status: number; body: unknown; location?: string }

const topLevel = [
  'locationId',
  'periodStart',
  'values',
  'nilReturn',
  'amendmentReason',
  'amendsVersion',
] as const
const nilReturnKeys = ['reason', 'details']

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

function answer(p: ReturnType<typeof problem>): ApiAnswer {
  return { status: p.status, body: p }
}

const locationNotFound = () =>
  answer(
    problem(
      'not-found',
      'There is no location with this locationId (a CareHub id or CQC location ID) that this token may report for.',
      [fieldProblem('locationId', 'Location not found, or not one of yours')],
    ),
  )

// Errors from the returns service name dataset fields, or the period and the reason: say where each
// one is in the request body.
function asFieldProblems(errors: FieldError[]): FieldProblem[] {
  return errors.map((e) => {
    if (e.field === 'period') return fieldProblem('periodStart', e.message)
    if (e.field === 'amendmentReason') return fieldProblem('amendmentReason', e.message)
    if (e.field === 'location') return fieldProblem('locationId', e.message)
    // A nil return's (the web's "Select why…" names its radios: the API names its words).
    if (e.field === 'nilReason')
      return {
        field: 'nilReturn.reason',
        pointer: '/nilReturn/reason',
        message: `reason must be one of ${nilReasons.map((r) => r.value).join(', ')}`,
      }
    if (e.field === 'nilDetails')
      return { field: 'nilReturn.details', pointer: '/nilReturn/details', message: e.message }
    return fieldProblem(e.field, e.message, 'values')
  })
}

// The API's own part in saving a return, for this request: the 201 answer kept with the return for a
// retry with the same Idempotency-Key (and the token's use, when due), written by the statement that
// saves it; with `claim`, the key is claimed by the submission's first read ('unclaimed': it was not,
// as it was taken already or the request was refused before that read; nothing was saved, and the
// caller claims the key on its own and tries again).
export function idempotentAnswer(
  api: ApiService,
  client: ApiClient,
  key: string | undefined,
  claim?: { requestHash: string; claimedAt: Date },
): SubmissionHook {
  return {
    claim:
      claim && key !== undefined
        ? api.claimStatement(client.tokenId, key, claim.requestHash, claim.claimedAt)
        : undefined,
    withVersion: (version, saved) => {
      const answer = created(version.locationId, version)
      return api.createdWrites(client, key, answer.status, answer.body, saved)
    },
  }
}

const isEmpty = (v: unknown) => isObject(v) && Object.keys(v).length === 0

export async function submitReturn(
  deps: { returns: ReturnsService; nilReturns: NilReturnService },
  client: ApiClient,
  body: unknown,
  hook?: SubmissionHook,
): Promise<ApiAnswer | 'unclaimed'> {
  const { returns, nilReturns } = deps
  const refused = (a: ApiAnswer) => (hook?.claim ? 'unclaimed' : a)
  if (!isObject(body))
    return refused(answer(problem('malformed-request', 'The request body must be a JSON object.')))
  const shape: FieldProblem[] = []
  for (const key of Object.keys(body)) {
    if (!(topLevel as readonly string[]).includes(key))
      shape.push(fieldProblem(key, `${key} is not a property of a return`))
  }
  if (typeof body.locationId !== 'string' || body.locationId.trim() === '')
    shape.push(fieldProblem('locationId', 'Give locationId: the CareHub location id or the CQC location ID'))
  // A nil return (null: none) has no figures: values left out, or empty.
  const nil = body.nilReturn ?? undefined
  if (nil === undefined) {
    if (!isObject(body.values))
      shape.push(
        fieldProblem(
          'values',
          'Give values: an object with the return’s figures (or nilReturn, when there are none this period)',
        ),
      )
  } else if (
    !isObject(nil) ||
    Object.keys(nil).some((key) => !nilReturnKeys.includes(key)) ||
    (nil.details !== undefined && nil.details !== null && typeof nil.details !== 'string')
  )
    shape.push(
      fieldProblem(
        'nilReturn',
        `nilReturn must be an object: {"reason": one of ${nilReasons.map((r) => r.value).join(', ')}, "details": text or null}`,
      ),
    )
  else if (body.values !== undefined && !isEmpty(body.values))
    shape.push(fieldProblem('values', 'Send values or nilReturn, not both: a nil return has no figures'))
  if (body.periodStart !== undefined && body.periodStart !== null && typeof body.periodStart !== 'string')
    shape.push(fieldProblem('periodStart', 'periodStart must be a date as a string, like "2020-04-14"'))
  if (
    body.amendmentReason !== undefined &&
    body.amendmentReason !== null &&
    typeof body.amendmentReason !== 'string'
  )
    shape.push(fieldProblem('amendmentReason', 'amendmentReason must be a string'))
  const { amendsVersion } = body
  if (
    amendsVersion !== undefined &&
    amendsVersion !== null &&
    !(Number.isSafeInteger(amendsVersion) && (amendsVersion as number) >= 0)
  )
    shape.push(fieldProblem('amendsVersion', 'amendsVersion must be a whole number, 0 or more'))
  if (shape.length)
    return refused(
      answer(problem('malformed-request', 'The request body is not a return submission.', shape)),
    )

  const values = (body.values ?? {}) as Record<string, unknown>
  const periodStart = typeof body.periodStart === 'string' ? body.periodStart.trim() : undefined
  const amendmentReason = typeof body.amendmentReason === 'string' ? body.amendmentReason : undefined
  const reasonTooLong = tooLong('amendmentReason', amendmentReason?.trim() ?? '', textLimits.amendmentReason)
  if (reasonTooLong)
    return refused(
      answer(
        problem('validation-failed', 'The return has errors: nothing was saved.', [
          fieldProblem('amendmentReason', reasonTooLong),
        ]),
      ),
    )
  // The period is named by its first day; a date inside a period is refused rather than guessed (the
  // returns service checks it against the location's frequency, with the figures, in one go).
  if (periodStart !== undefined && periodStart !== '' && !isIsoDate(periodStart)) {
    if (hook?.claim) return 'unclaimed'
    // (A nil return's figures are none: only its location is looked for.)
    const valueErrors = await returns.validate(client.actor, body.locationId as string, values, {
      locationByCqcId: true,
    })
    if (valueErrors.some((e) => e.field === 'location')) return locationNotFound()
    return answer(
      problem('validation-failed', 'The return has errors: nothing was saved.', [
        fieldProblem('periodStart', 'periodStart must be a date like 2020-04-14'),
        ...(nil ? [] : asFieldProblems(valueErrors)),
      ]),
    )
  }

  const options = {
    periodStart: periodStart || undefined,
    periodStartMustBeFirstDay: true,
    locationByCqcId: true,
    source: 'api' as const,
    // A care-record system sends a group's returns at once: each is answered when saved, and its
    // location's risk rules run in the next second's batch (the risk queue).
    followUpLater: true,
    amendsVersion: typeof amendsVersion === 'number' ? amendsVersion : undefined,
    hook,
  }
  const outcome = isObject(nil)
    ? await nilReturns.submitNil(
        client.actor,
        body.locationId as string,
        {
          // Checked by the nil return service, as the web's are (an unknown reason is named there).
          nilReason: typeof nil.reason === 'string' ? nil.reason : '',
          nilDetails: typeof nil.details === 'string' ? nil.details : '',
          amendmentReason: amendmentReason ?? '',
        },
        options,
      )
    : await returns.submit(client.actor, body.locationId as string, values, { ...options, amendmentReason })
  if ('unclaimed' in outcome) return 'unclaimed'
  if ('notFound' in outcome) return locationNotFound()
  if ('conflict' in outcome) {
    const latest = outcome.conflict.version
    return answer(
      problem(
        'return-changed',
        `Version ${latest} of this return was saved after the version yours changes: nothing was saved. Read the latest version, then send yours again with "amendsVersion": ${latest} if it is still right.`,
        [fieldProblem('amendsVersion', `The latest version is ${latest}`)],
      ),
    )
  }
  if (!outcome.ok) {
    const errors = asFieldProblems(outcome.errors)
    if (outcome.errors.every((e) => e.field === 'amendmentReason'))
      return answer(
        problem(
          'return-exists',
          'This location has already sent a return for this period. To replace it, send the corrected return again with an amendmentReason.',
          errors,
        ),
      )
    return answer(problem('validation-failed', 'The return has errors: nothing was saved.', errors))
  }
  return created(outcome.locationId, outcome)
}

function created(
  locationId: string,
  saved: { returnId: string; version: number; period: { start: string } },
): ApiAnswer {
  return {
    status: 201,
    body: {
      id: saved.returnId,
      locationId,
      periodStart: saved.period.start,
      version: saved.version,
    },
    location: apiPaths.apiReturn.build(saved.returnId),
  }
}

// The same JSON, whatever the order of its keys or its spacing, gives the same hash.
export function requestHash(method: string, url: string, body: unknown): string {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canonical)
      : isObject(v)
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, canonical(v[k])]),
          )
        : v
  return createHash('sha256')
    .update(JSON.stringify([method, url, canonical(body ?? null)]))
    .digest('hex')
}
