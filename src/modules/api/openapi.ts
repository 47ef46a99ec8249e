import { type ServiceType, serviceTypeNames, serviceTypes } from '../../domain/service-types.ts'
import { textLimits } from '../../domain/text-limits.ts'
import { paths } from '../../web/paths.ts'
import { currentDataset, type DatasetDefinition, fieldsFor, jsonSchemaFor } from '../returns/index.ts'
import { problemTypes } from './problem.ts'

// The OpenAPI 3.1 document of the returns API, written by hand; the values schema comes from the
// dataset definition, so a new field appears here without anybody touching this file.

export const pageSize = 50

// A complete return for a care home without nursing, as a care-record system would send it. The API
// tests send this very example, so the documentation cannot drift from what the API accepts.
export const exampleSubmission = {
  locationId: '1-000000001',
  periodStart: '2020-04-14',
  values: {
    ppeDaysGloves: 10,
    ppeDaysAprons: 8,
    ppeDaysTypeIirMasks: 2,
    ppeDaysFfp3Masks: 0,
    ppeDaysEyeProtection: 14,
    ppeDaysHandSanitiser: 21,
    ppeCanObtainMore: true,
    residents: 38,
    confirmedCasesResidents: 1,
    suspectedCasesResidents: 2,
    confirmedCasesStaff: 0,
    suspectedCasesStaff: 1,
    covidDeathsResidents: 0,
    otherDeathsResidents: 0,
    covidDeathsStaff: 0,
    staffEmployed: 50,
    staffAbsentCovid: 6,
    staffAbsentOther: 4,
    agencyStaffUsed: 3,
    bedsAvailable: 40,
    bedsOccupied: 38,
    closedToAdmissions: false,
    canAcceptDischarges: true,
    residentsTested: null,
    staffTested: 12,
    helpRequested: ['ppe'],
    concerns: 'Masks running low',
  },
} as const

export const exampleCreated = {
  id: '7d0c3d8e-2f0a-4a53-9d4e-4f5b8d6e1c2a',
  locationId: '5b1f6c1e-9a7d-4d0e-8c3b-2e6f4a9d7b10',
  periodStart: '2020-04-14',
  version: 1,
}

export const exampleValidationProblem = {
  type: `${paths.apiDocs()}#validation-failed`,
  title: problemTypes['validation-failed'].title,
  status: 422,
  detail: 'The return has errors: nothing was saved.',
  errors: [
    {
      field: 'bedsOccupied',
      pointer: '/values/bedsOccupied',
      message: 'Beds occupied cannot be more than the beds you can use',
    },
  ],
}

// Which fields each kind of service sends, and which of them it must send.
export function fieldsByServiceType(definition: DatasetDefinition = currentDataset) {
  return serviceTypes.map((serviceType: ServiceType) => {
    const fields = fieldsFor(definition, serviceType)
    return {
      serviceType,
      name: serviceTypeNames[serviceType],
      required: fields.filter((f) => f.required).map((f) => f.key),
      optional: fields.filter((f) => !f.required).map((f) => f.key),
    }
  })
}

export function openApiDocument(baseUrl: string) {
  const problemRef = { $ref: '#/components/schemas/Problem' }
  const problemResponse = (description: string) => ({
    description,
    content: { 'application/problem+json': { schema: problemRef } },
  })
  const byServiceType = fieldsByServiceType()
  const valuesSchemas = Object.fromEntries(
    byServiceType.map((s) => [
      `ReturnValues.${s.serviceType}`,
      {
        ...jsonSchemaFor(currentDataset, s.serviceType),
        required: s.required,
        description: `The figures a ${s.name.toLowerCase()} sends. Whole numbers are 0 or more; null (or leaving a field out) means “not reported”, which a required field may not be.`,
      },
    ]),
  )
  return {
    openapi: '3.1.0',
    info: {
      title: 'CareHub situation returns API',
      version: '1',
      description: [
        'Send and read situation returns from a care-record system.',
        '',
        'Authenticate with an API token made by a provider manager on the “API tokens” page: `Authorization: Bearer <token>`. A token acts for its provider only: other providers’ locations and returns are “not found”.',
        '',
        'Errors are RFC 9457 problem details (`application/problem+json`) with an `errors` list naming each field at fault. Nothing is saved when the answer is an error.',
        '',
        `Dataset version ${currentDataset.version}. The fields a location sends depend on its kind of service: see the ReturnValues.<service type> schemas. A field that does not apply to the location is refused.`,
      ].join('\n'),
    },
    servers: [{ url: baseUrl }],
    security: [{ bearerAuth: [] }],
    tags: [{ name: 'Returns', description: 'Situation returns' }],
    paths: {
      [paths.apiReturns()]: {
        post: {
          tags: ['Returns'],
          operationId: 'submitReturn',
          summary: 'Send a return',
          description:
            'Sends one location’s return for one period. A second return for the same period is refused with 409 unless it gives an `amendmentReason`; it then becomes the next version. Give `amendsVersion`, the version you are changing, and a version saved by someone else since is answered with 409 rather than replaced. Send an `Idempotency-Key` to retry safely: a retry with the same key and the same body gets the first answer again, and creates nothing. The answer comes once the return is saved; the council’s early-warning rules are run for the location within a second or two after.',
          parameters: [
            {
              name: 'Idempotency-Key',
              in: 'header',
              required: false,
              description:
                'Any unique string of up to 255 printable characters (a UUID is ideal). Remembered for 24 hours per token.',
              schema: { type: 'string', minLength: 1, maxLength: 255 },
            },
          ],
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: { $ref: '#/components/schemas/ReturnSubmission' },
                example: exampleSubmission,
              },
            },
          },
          responses: {
            201: {
              description: 'Saved',
              headers: {
                Location: { description: 'The new return', schema: { type: 'string' } },
                'Idempotent-Replayed': {
                  description:
                    '`true` when this is the stored answer to an earlier request with the same key',
                  schema: { type: 'string' },
                },
              },
              content: {
                'application/json': {
                  schema: { $ref: '#/components/schemas/SubmittedReturn' },
                  example: exampleCreated,
                },
              },
            },
            400: problemResponse('The body is not JSON, or not shaped like a return submission'),
            401: problemResponse('The bearer token is missing, unknown or revoked'),
            404: problemResponse('No such location, or not one of this token’s provider’s'),
            409: problemResponse(
              'A return for this period exists and no amendmentReason was given; the return was changed by someone else since the version it changes (`amendsVersion`); or a request with the same Idempotency-Key is still in progress',
            ),
            415: problemResponse('The body is not application/json'),
            422: {
              description:
                'The return has errors (each named in `errors`), or the Idempotency-Key was used before with a different body',
              content: {
                'application/problem+json': { schema: problemRef, example: exampleValidationProblem },
              },
            },
            503: problemResponse(
              'The service cannot take requests for a moment (its database is restarting, say). Retry after the seconds in the `Retry-After` header with the same Idempotency-Key: the retry saves the return, or gets the first answer if it was saved after all',
            ),
          },
        },
        get: {
          tags: ['Returns'],
          operationId: 'listReturns',
          summary: 'List returns',
          description: `The current version of each return from this token’s provider’s locations, newest period first, ${pageSize} to a page.`,
          parameters: [
            {
              name: 'locationId',
              in: 'query',
              description: 'Only this location: CareHub id or CQC location ID',
              schema: { type: 'string' },
            },
            {
              name: 'from',
              in: 'query',
              description: 'Periods starting on or after this date',
              schema: { type: 'string', format: 'date' },
            },
            {
              name: 'to',
              in: 'query',
              description: 'Periods starting on or before this date',
              schema: { type: 'string', format: 'date' },
            },
            { name: 'page', in: 'query', schema: { type: 'integer', minimum: 1, default: 1 } },
          ],
          responses: {
            200: {
              description: 'A page of returns',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/ReturnList' } } },
            },
            400: problemResponse('A query parameter is not valid'),
            401: problemResponse('The bearer token is missing, unknown or revoked'),
            404: problemResponse('No such location, or not one of this token’s provider’s'),
          },
        },
      },
      [paths.apiReturn('{id}')]: {
        get: {
          tags: ['Returns'],
          operationId: 'getReturn',
          summary: 'Read one return',
          description: 'Any version of a return, by its id.',
          parameters: [
            { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } },
          ],
          responses: {
            200: {
              description: 'The return',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/Return' } } },
            },
            401: problemResponse('The bearer token is missing, unknown or revoked'),
            404: problemResponse('No such return, or not one of this token’s provider’s'),
          },
        },
      },
    },
    components: {
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          description: 'An API token from the “API tokens” page. Keep it secret; revoke it if it leaks.',
        },
      },
      schemas: {
        ReturnSubmission: {
          type: 'object',
          additionalProperties: false,
          required: ['locationId', 'values'],
          properties: {
            locationId: {
              type: 'string',
              description: 'The CareHub location id (a UUID) or the CQC location ID, like 1-000000001',
            },
            periodStart: {
              type: 'string',
              format: 'date',
              description:
                'The first day of the period reported on (a Monday for weekly returns). Defaults to the current period.',
            },
            values: { $ref: '#/components/schemas/ReturnValues' },
            amendmentReason: {
              type: 'string',
              maxLength: textLimits.amendmentReason,
              description: 'Required to replace a return already sent for the period',
            },
            amendsVersion: {
              type: 'integer',
              minimum: 0,
              description:
                'The version of the period’s return this one replaces (0: none). If another version has been saved since, nothing is saved and the answer is 409.',
            },
          },
        },
        ReturnValues: {
          ...jsonSchemaFor(currentDataset, null),
          description:
            'Every field of the dataset. Each location sends the fields for its kind of service (see ReturnValues.<service type>).',
        },
        ...valuesSchemas,
        SubmittedReturn: {
          type: 'object',
          required: ['id', 'locationId', 'periodStart', 'version'],
          properties: {
            id: { type: 'string', format: 'uuid' },
            locationId: { type: 'string', format: 'uuid' },
            periodStart: { type: 'string', format: 'date' },
            version: { type: 'integer', minimum: 1 },
          },
        },
        Return: {
          type: 'object',
          properties: {
            id: { type: 'string', format: 'uuid' },
            locationId: { type: 'string', format: 'uuid' },
            cqcLocationId: { type: ['string', 'null'] },
            locationName: { type: 'string' },
            frequency: { enum: ['daily', 'weekly', 'monthly'] },
            periodStart: { type: 'string', format: 'date' },
            version: { type: 'integer', minimum: 1 },
            isCurrent: { type: 'boolean' },
            source: { enum: ['web', 'officer', 'upload', 'api', 'import'] },
            timing: { type: 'string', description: 'on-time, late or locked, when it was sent' },
            nothingChanged: { type: 'boolean' },
            submittedAt: { type: 'string', format: 'date-time' },
            amendmentReason: { type: ['string', 'null'] },
            datasetVersion: { type: 'integer' },
            values: { $ref: '#/components/schemas/ReturnValues' },
          },
        },
        ReturnList: {
          type: 'object',
          required: ['items', 'page', 'pageSize', 'total'],
          properties: {
            items: { type: 'array', items: { $ref: '#/components/schemas/Return' } },
            page: { type: 'integer' },
            pageSize: { type: 'integer' },
            total: { type: 'integer' },
            links: {
              type: 'object',
              properties: {
                self: { type: 'string' },
                next: { type: 'string' },
                prev: { type: 'string' },
              },
            },
          },
        },
        Problem: {
          type: 'object',
          description: 'RFC 9457 problem details',
          required: ['type', 'title', 'status'],
          properties: {
            type: { type: 'string', format: 'uri-reference' },
            title: { type: 'string' },
            status: { type: 'integer' },
            detail: { type: 'string' },
            errors: {
              type: 'array',
              items: {
                type: 'object',
                required: ['field', 'message'],
                properties: {
                  field: { type: 'string', description: 'The field at fault, like bedsOccupied' },
                  pointer: {
                    type: 'string',
                    description: 'Where it is in the request body (JSON Pointer), like /values/bedsOccupied',
                  },
                  message: { type: 'string' },
                },
              },
            },
          },
        },
      },
    },
  }
}
