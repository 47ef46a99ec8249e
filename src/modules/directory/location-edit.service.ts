import type { Db } from '../../db/database.ts'
import { locationVisible } from '../../db/scope.ts'
import type { Clock } from '../../domain/clock.ts'
import { type FieldErrors, isUuid, type Outcome } from '../../domain/outcome.ts'
import { type Actor, can, locationScope } from '../../domain/policy.ts'
import { isCareHome, type ServiceType, serviceTypes } from '../../domain/service-types.ts'
import { textLimits, tooLong } from '../../domain/text-limits.ts'
import { AuditAction, recordAudit } from '../audit/index.ts'

export type LocationInput = {
  name: string
  providerName: string
  cqcLocationId: string
  serviceType: string
  addressLine1: string
  town: string
  postcode: string
  area: string
  registeredBeds: string
  peopleSupported: string
  contracted: string // 'yes' | 'no'
  inArea: string // 'in' | 'out'
  bcpReviewedOn: string
  nhsmail: string // 'yes' | 'no' | ''
}

export type ContactInput = { name: string; jobTitle: string; phone: string; email: string }

const postcodePattern = /^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$/i
const wholeNumber = /^\d{1,6}$/

// Validation in the users' words; a blank number is "not known", never zero.
export function validateLocation(input: LocationInput, isNew: boolean): FieldErrors {
  const errors: FieldErrors = {}
  if (!input.name.trim()) errors.name = 'Enter the location’s name'
  if (isNew && !input.providerName.trim()) errors.providerName = 'Enter the provider’s name'
  for (const [field, label, limit] of [
    ['name', 'Location name', textLimits.name],
    ['providerName', 'Provider name', textLimits.name],
    ['addressLine1', 'Address', textLimits.addressLine],
    ['town', 'Town', textLimits.town],
    ['area', 'Area within the council', textLimits.area],
  ] as const) {
    const problem = tooLong(label, input[field].trim(), limit)
    if (problem) errors[field] = problem
  }
  if (input.cqcLocationId.trim() && !/^1-\d{6,12}$/.test(input.cqcLocationId.trim())) {
    errors.cqcLocationId = 'Enter a CQC location ID like 1-123456789, or leave it blank'
  }
  if (!(serviceTypes as readonly string[]).includes(input.serviceType))
    errors.serviceType = 'Select the type of service'
  if (input.postcode.trim() && !postcodePattern.test(input.postcode.trim()))
    errors.postcode = 'Enter a real postcode, like NM1 2AB'
  if (input.registeredBeds.trim() && !wholeNumber.test(input.registeredBeds.trim())) {
    errors.registeredBeds = 'Registered beds must be a whole number, 0 or more'
  } else if (!input.registeredBeds.trim() && isCareHome(input.serviceType)) {
    errors.registeredBeds = 'Enter the number of registered beds for a care home'
  }
  if (input.peopleSupported.trim() && !wholeNumber.test(input.peopleSupported.trim())) {
    errors.peopleSupported = 'People supported must be a whole number, 0 or more'
  }
  if (input.bcpReviewedOn.trim() && !/^\d{4}-\d{2}-\d{2}$/.test(input.bcpReviewedOn.trim())) {
    errors.bcpReviewedOn = 'Enter the date as YYYY-MM-DD, like 2020-04-14'
  } else if (input.bcpReviewedOn.trim() && Number.isNaN(Date.parse(input.bcpReviewedOn.trim()))) {
    errors.bcpReviewedOn = 'Enter a real date'
  }
  return errors
}

const number = (v: string) => (v.trim() ? Number(v.trim()) : null)
const normalisePostcode = (v: string) => {
  const compact = v.trim().toUpperCase().replace(/\s+/g, '')
  return compact ? `${compact.slice(0, -3)} ${compact.slice(-3)}` : null
}

export function createLocationEditService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps

  async function editable(actor: Actor, id: string) {
    if (!can(actor, 'locations:write') || !isUuid(id)) return null
    return (
      (await db
        .selectFrom('locations')
        .selectAll()
        .where('id', '=', id)
        .where(locationVisible(locationScope(actor)))
        .executeTakeFirst()) ?? null
    )
  }

  // An officer adds a service the CQC files do not hold yet (or not at all, like some day services).
  async function createLocation(actor: Actor, input: LocationInput): Promise<Outcome<{ id: string }>> {
    if (!can(actor, 'locations:write') || actor.councilIds.length === 0)
      return { ok: false, errors: { name: 'You cannot add locations' } }
    const errors = validateLocation(input, true)
    if (input.cqcLocationId.trim() && !errors.cqcLocationId) {
      const clash = await db
        .selectFrom('locations')
        .select('id')
        .where('cqcLocationId', '=', input.cqcLocationId.trim())
        .executeTakeFirst()
      if (clash) errors.cqcLocationId = 'A location with this CQC location ID already exists'
    }
    if (Object.keys(errors).length) return { ok: false, errors }
    const councilId = actor.councilIds[0]!
    const id = await db.transaction().execute(async (trx) => {
      const now = clock.now()
      const provider = await trx
        .insertInto('providers')
        .values({
          name: input.providerName.trim(),
          cqcProviderId: null,
          companiesHouseNumber: null,
          ownership: null,
          createdAt: now,
          updatedAt: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      const council = await trx
        .selectFrom('organisations')
        .select('name')
        .where('id', '=', councilId)
        .executeTakeFirstOrThrow()
      const row = await trx
        .insertInto('locations')
        .values({
          providerId: provider.id,
          cqcLocationId: input.cqcLocationId.trim() || null,
          odsCode: null,
          name: input.name.trim(),
          addressLine1: input.addressLine1.trim() || null,
          addressLine2: null,
          town: input.town.trim() || null,
          postcode: normalisePostcode(input.postcode),
          councilId: input.inArea === 'out' ? null : councilId,
          localAuthorityName: input.inArea === 'out' ? null : council.name,
          area: input.area.trim() || null,
          serviceType: input.serviceType as ServiceType,
          registeredBeds: number(input.registeredBeds),
          peopleSupported: number(input.peopleSupported),
          cqcRating: null,
          cqcRatingDate: null,
          registrationStart: null,
          registrationEnd: null,
          bcpReviewedOn: input.bcpReviewedOn.trim() || null,
          nhsmail: input.nhsmail === 'yes' ? true : input.nhsmail === 'no' ? false : null,
          lastImportId: null,
          createdAt: now,
          updatedAt: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow()
      await trx
        .insertInto('locationStatusEvents')
        .values({
          locationId: row.id,
          status: 'open',
          effectiveFrom: now.toISOString().slice(0, 10),
          source: 'officer',
          importId: null,
          recordedBy: actor.userId,
          recordedAt: now,
        })
        .execute()
      if (input.contracted === 'yes')
        await trx
          .insertInto('councilContracts')
          .values({ councilId, locationId: row.id, createdAt: now })
          .execute()
      await recordAudit(trx, {
        actorUserId: actor.userId,
        organisationId: actor.organisationId,
        action: AuditAction.locationCreated,
        entityType: 'location',
        entityId: row.id,
        after: { ...row, contracted: input.contracted === 'yes' },
        occurredAt: now,
      })
      return row.id
    })
    return { ok: true, value: { id } }
  }

  // Officers keep the council-held facts (area, contract, business continuity, NHSmail) and can correct
  // the CQC's; every change keeps its before and after in the audit trail.
  async function updateLocation(
    actor: Actor,
    id: string,
    input: LocationInput,
  ): Promise<Outcome<null> | null> {
    const location = await editable(actor, id)
    if (!location) return null
    const errors = validateLocation(input, false)
    if (Object.keys(errors).length) return { ok: false, errors }
    const councilId = actor.councilIds[0] ?? null
    await db.transaction().execute(async (trx) => {
      const now = clock.now()
      const after = {
        name: input.name.trim(),
        serviceType: input.serviceType,
        addressLine1: input.addressLine1.trim() || null,
        town: input.town.trim() || null,
        postcode: normalisePostcode(input.postcode),
        area: input.area.trim() || null,
        registeredBeds: number(input.registeredBeds),
        peopleSupported: number(input.peopleSupported),
        bcpReviewedOn: input.bcpReviewedOn.trim() || null,
        nhsmail: input.nhsmail === 'yes' ? true : input.nhsmail === 'no' ? false : null,
      }
      const before = Object.fromEntries(
        Object.keys(after).map((k) => [k, location[k as keyof typeof location]]),
      )
      await trx
        .updateTable('locations')
        .set({ ...after, updatedAt: now })
        .where('id', '=', id)
        .execute()
      let contractChange: Record<string, boolean> = {}
      if (councilId) {
        const existing = await trx
          .selectFrom('councilContracts')
          .select('councilId')
          .where('councilId', '=', councilId)
          .where('locationId', '=', id)
          .executeTakeFirst()
        if (input.contracted === 'yes' && !existing) {
          await trx
            .insertInto('councilContracts')
            .values({ councilId, locationId: id, createdAt: now })
            .execute()
          contractChange = { contracted: true }
        } else if (input.contracted === 'no' && existing) {
          await trx
            .deleteFrom('councilContracts')
            .where('councilId', '=', councilId)
            .where('locationId', '=', id)
            .execute()
          contractChange = { contracted: false }
        }
      }
      await recordAudit(trx, {
        actorUserId: actor.userId,
        organisationId: actor.organisationId,
        action: AuditAction.locationUpdated,
        entityType: 'location',
        entityId: id,
        before: {
          ...before,
          ...(contractChange.contracted === undefined ? {} : { contracted: !contractChange.contracted }),
        },
        after: { ...after, ...contractChange },
        occurredAt: now,
      })
    })
    return { ok: true, value: null }
  }

  async function addContact(
    actor: Actor,
    locationId: string,
    input: ContactInput,
  ): Promise<Outcome<null> | null> {
    const location = await editable(actor, locationId)
    if (!location) return null
    const errors: FieldErrors = {}
    if (!input.name.trim()) errors.contactName = 'Enter the contact’s name'
    if (input.email.trim() && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(input.email.trim()))
      errors.contactEmail = 'Enter an e-mail address in the correct format, like name@example.org'
    if (input.phone.trim() && !/^[+\d][\d ()-]{5,20}$/.test(input.phone.trim()))
      errors.contactPhone = 'Enter a telephone number, like 01632 960 001'
    if (!input.email.trim() && !input.phone.trim())
      errors.contactPhone = 'Enter a telephone number or an e-mail address'
    for (const [field, label, value, limit] of [
      ['contactName', 'Name', input.name, textLimits.name],
      ['contactJobTitle', 'Role', input.jobTitle, textLimits.jobTitle],
      ['contactEmail', 'E-mail address', input.email, textLimits.email],
      ['contactPhone', 'Telephone', input.phone, textLimits.phone],
    ] as const) {
      const problem = tooLong(label, value.trim(), limit)
      if (problem && !errors[field]) errors[field] = problem
    }
    if (Object.keys(errors).length) return { ok: false, errors }
    await db.transaction().execute(async (trx) => {
      const now = clock.now()
      const contact = await trx
        .insertInto('locationContacts')
        .values({
          locationId,
          name: input.name.trim(),
          jobTitle: input.jobTitle.trim() || null,
          phone: input.phone.trim() || null,
          email: input.email.trim().toLowerCase() || null,
          createdAt: now,
          updatedAt: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow()
      await recordAudit(trx, {
        actorUserId: actor.userId,
        organisationId: actor.organisationId,
        action: AuditAction.contactAdded,
        entityType: 'location',
        entityId: locationId,
        after: contact,
        occurredAt: now,
      })
    })
    return { ok: true, value: null }
  }

  async function removeContact(actor: Actor, locationId: string, contactId: string): Promise<boolean> {
    const location = await editable(actor, locationId)
    if (!location || !isUuid(contactId)) return false
    return db.transaction().execute(async (trx) => {
      const removed = await trx
        .deleteFrom('locationContacts')
        .where('id', '=', contactId)
        .where('locationId', '=', locationId)
        .returningAll()
        .executeTakeFirst()
      if (!removed) return false
      await recordAudit(trx, {
        actorUserId: actor.userId,
        organisationId: actor.organisationId,
        action: AuditAction.contactRemoved,
        entityType: 'location',
        entityId: locationId,
        before: removed,
        occurredAt: clock.now(),
      })
      return true
    })
  }

  async function formValues(actor: Actor, id: string): Promise<LocationInput | null> {
    const l = await editable(actor, id)
    if (!l) return null
    const contracted = actor.councilIds.length
      ? await db
          .selectFrom('councilContracts')
          .select('councilId')
          .where('locationId', '=', id)
          .where('councilId', 'in', actor.councilIds)
          .executeTakeFirst()
      : undefined
    return {
      name: l.name,
      providerName: '',
      cqcLocationId: l.cqcLocationId ?? '',
      serviceType: l.serviceType,
      addressLine1: l.addressLine1 ?? '',
      town: l.town ?? '',
      postcode: l.postcode ?? '',
      area: l.area ?? '',
      registeredBeds: l.registeredBeds === null ? '' : String(l.registeredBeds),
      peopleSupported: l.peopleSupported === null ? '' : String(l.peopleSupported),
      contracted: contracted ? 'yes' : 'no',
      inArea: l.councilId && actor.councilIds.includes(l.councilId) ? 'in' : 'out',
      bcpReviewedOn: l.bcpReviewedOn ?? '',
      nhsmail: l.nhsmail === null ? '' : l.nhsmail ? 'yes' : 'no',
    }
  }

  return { createLocation, updateLocation, addContact, removeContact, formValues }
}

export type LocationEditService = ReturnType<typeof createLocationEditService>
