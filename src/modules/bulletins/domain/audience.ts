import { isUuid } from '../../../domain/outcome.ts'
import { type ServiceType, serviceTypeNames, serviceTypes } from '../../../domain/service-types.ts'

// Who a bulletin (or a survey) is for: the providers with an open location in the sender's market that
// matches every condition given (none: all providers). Service types and areas: any of those ticked.
export type Audience = {
  serviceTypes: ServiceType[]
  areas: string[]
  contracted: '' | 'yes' | 'no'
  inArea: '' | 'in' | 'out'
  // Today's situation: a location with an open outbreak alert, or rated red today.
  situation: '' | 'outbreak' | 'red'
  listId: string
}

export const everyone: Audience = {
  serviceTypes: [],
  areas: [],
  contracted: '',
  inArea: '',
  situation: '',
  listId: '',
}

const oneOf = <T extends string>(value: unknown, allowed: readonly T[]): T | '' =>
  typeof value === 'string' && (allowed as readonly string[]).includes(value) ? (value as T) : ''
const list = (value: unknown): string[] =>
  (Array.isArray(value) ? value : value === undefined || value === '' ? [] : [value]).map(String)

// From a posted form or a stored value: anything unknown is dropped, never trusted.
export function audienceFrom(raw: Record<string, unknown>): Audience {
  return {
    serviceTypes: list(raw.serviceTypes).filter((t): t is ServiceType =>
      (serviceTypes as readonly string[]).includes(t),
    ),
    areas: list(raw.areas)
      // Cut by characters, not UTF-16 units: half an emoji is text the database's JSON refuses.
      .map((a) => Array.from(a.trim()).slice(0, 100).join(''))
      .filter(Boolean),
    contracted: oneOf(raw.contracted, ['yes', 'no'] as const),
    inArea: oneOf(raw.inArea, ['in', 'out'] as const),
    situation: oneOf(raw.situation, ['outbreak', 'red'] as const),
    listId: typeof raw.listId === 'string' && isUuid(raw.listId) ? raw.listId : '',
  }
}

// The audience in words, for the check page, the archive and the audit trail.
export function audienceInWords(audience: Audience, listName?: string | null): string {
  const parts: string[] = []
  if (audience.serviceTypes.length)
    parts.push(audience.serviceTypes.map((t) => serviceTypeNames[t].toLowerCase()).join(' or '))
  if (audience.areas.length) parts.push(`in the ${audience.areas.join(' or ')} area`)
  if (audience.contracted === 'yes') parts.push('contracted')
  if (audience.contracted === 'no') parts.push('not contracted')
  if (audience.inArea === 'in') parts.push('in area')
  if (audience.inArea === 'out') parts.push('out of area')
  if (audience.situation === 'outbreak') parts.push('in outbreak today')
  if (audience.situation === 'red') parts.push('rated red today')
  if (audience.listId) parts.push(`on the list ${listName ?? ''}`.trim())
  return parts.length ? `Providers: ${parts.join(', ')}` : 'All providers'
}
