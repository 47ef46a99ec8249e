import { z } from 'zod'
import { type ServiceType, serviceTypeNames, serviceTypes } from '../../domain/service-types.ts'
import { currentDataset, type DatasetDefinition, type DatasetField, fieldsFor } from '../returns/index.ts'

// A return's `values`, as the dataset defines them: a new field appears in the API's schema, and so in
// its document, without anybody touching the API. The returns service checks the values by the same
// definition (with the location's kind of service and the rules across fields), for the web form and
// the API alike.

function fieldSchema(field: DatasetField) {
  switch (field.type) {
    case 'whole-number':
      return (field.max === undefined ? z.int().min(0) : z.int().min(0).max(field.max)).nullable()
    case 'yes-no':
      return z.boolean().nullable()
    case 'choice':
      return z.array(z.enum((field.choices ?? []).map((c) => c.value)))
    case 'text':
      return (field.max === undefined ? z.string() : z.string().max(field.max)).nullable()
  }
}

// Every field of the definition (serviceType null, none required), or a kind of service's fields, with
// those it must report required.
export function returnValuesSchema(definition: DatasetDefinition, serviceType: ServiceType | null) {
  const fields = serviceType
    ? fieldsFor(definition, serviceType)
    : definition.sections.flatMap((s) => s.fields)
  return z.strictObject(
    Object.fromEntries(
      fields.map((f) => {
        const schema = fieldSchema(f)
        return [f.key, (serviceType && f.required ? schema : schema.optional()).describe(f.label)]
      }),
    ),
  )
}

export const returnValues = returnValuesSchema(currentDataset, null).describe(
  'Every field of the dataset. Each location sends the fields for its kind of service (see ReturnValues.<service type>).',
)

// The schemas named ReturnValues.<service type> in the document.
export const returnValuesByServiceType = Object.fromEntries(
  serviceTypes.map((serviceType) => [
    `ReturnValues.${serviceType}`,
    returnValuesSchema(currentDataset, serviceType).describe(
      `The figures a ${serviceTypeNames[serviceType].toLowerCase()} sends. Whole numbers are 0 or more; null (or leaving a field out) means “not reported”, which a required field may not be.`,
    ),
  ]),
)
