import type { Db } from '../../db/database.ts'
import type { Clock } from '../../domain/clock.ts'
import { isUuid, type Outcome } from '../../domain/outcome.ts'
import { type Actor, can, locationScope } from '../../domain/policy.ts'
import { AuditAction, recordAudit } from '../audit/index.ts'
import type { ContactDetails, LocationDetails, LocationFormValues } from './directory.schemas.ts'
import {
  addContract,
  councilName,
  cqcLocationIdInUse,
  deleteContact,
  insertContact,
  insertLocation,
  isContracted,
  locationInScope,
  type OfficerFacts,
  removeContract,
  updateLocationFacts,
} from './location-edit.repository.ts'

// An officer's changes to the directory: a location the CQC files do not hold, the council's own facts
// about a location, and its named contacts. Each change is checked against the actor's scope and
// recorded in the audit trail in its own transaction. The details come checked by the form's schema.
export function createLocationEditService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps

  async function editable(actor: Actor, id: string) {
    if (!can(actor, 'locations:write') || !isUuid(id)) return null
    return (await locationInScope(db, locationScope(actor), id)) ?? null
  }

  // Whether the actor may change this location (its page shows the forms to them).
  async function mayEdit(actor: Actor, id: string): Promise<boolean> {
    return (await editable(actor, id)) !== null
  }

  const auditBy = (actor: Actor) => ({ actorUserId: actor.userId, organisationId: actor.organisationId })

  // An officer adds a service the CQC files do not hold yet (or not at all, like some day services).
  async function createLocation(actor: Actor, details: LocationDetails): Promise<Outcome<{ id: string }>> {
    if (!can(actor, 'locations:write') || actor.councilIds.length === 0)
      return { ok: false, errors: { name: 'You cannot add locations' } }
    if (details.cqcLocationId && (await cqcLocationIdInUse(db, details.cqcLocationId)))
      return { ok: false, errors: { cqcLocationId: 'A location with this CQC location ID already exists' } }
    const councilId = actor.councilIds[0]!
    const id = await db.transaction().execute(async (trx) => {
      const now = clock.now()
      const council = { id: councilId, name: await councilName(trx, councilId) }
      const row = await insertLocation(trx, details, council, { userId: actor.userId, now })
      if (details.contracted === true) await addContract(trx, councilId, row.id, now)
      await recordAudit(trx, {
        ...auditBy(actor),
        action: AuditAction.locationCreated,
        entityType: 'location',
        entityId: row.id,
        after: { ...row, contracted: details.contracted === true },
        occurredAt: now,
      })
      return row.id
    })
    return { ok: true, value: { id } }
  }

  // Officers keep the council-held facts (area, contract, business continuity, NHSmail) and can correct
  // the CQC's; every change keeps its before and after in the audit trail.
  async function updateLocation(actor: Actor, id: string, details: LocationDetails): Promise<boolean> {
    const location = await editable(actor, id)
    if (!location) return false
    const councilId = actor.councilIds[0] ?? null
    await db.transaction().execute(async (trx) => {
      const now = clock.now()
      const after: OfficerFacts = {
        name: details.name,
        serviceType: details.serviceType,
        addressLine1: details.addressLine1,
        town: details.town,
        postcode: details.postcode,
        area: details.area,
        registeredBeds: details.registeredBeds,
        peopleSupported: details.peopleSupported,
        bcpReviewedOn: details.bcpReviewedOn,
        nhsmail: details.nhsmail,
      }
      const before = Object.fromEntries(
        Object.keys(after).map((k) => [k, location[k as keyof typeof location]]),
      )
      await updateLocationFacts(trx, id, after, now)
      let contractChange: { contracted?: boolean } = {}
      if (councilId) {
        const contracted = await isContracted(trx, id, [councilId])
        if (details.contracted === true && !contracted) {
          await addContract(trx, councilId, id, now)
          contractChange = { contracted: true }
        } else if (details.contracted === false && contracted) {
          await removeContract(trx, councilId, id)
          contractChange = { contracted: false }
        }
      }
      await recordAudit(trx, {
        ...auditBy(actor),
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
    return true
  }

  async function addContact(actor: Actor, locationId: string, contact: ContactDetails): Promise<boolean> {
    if (!(await editable(actor, locationId))) return false
    await db.transaction().execute(async (trx) => {
      const now = clock.now()
      const added = await insertContact(trx, locationId, contact, now)
      await recordAudit(trx, {
        ...auditBy(actor),
        action: AuditAction.contactAdded,
        entityType: 'location',
        entityId: locationId,
        after: added,
        occurredAt: now,
      })
    })
    return true
  }

  async function removeContact(actor: Actor, locationId: string, contactId: string): Promise<boolean> {
    const location = await editable(actor, locationId)
    if (!location || !isUuid(contactId)) return false
    return db.transaction().execute(async (trx) => {
      const removed = await deleteContact(trx, locationId, contactId)
      if (!removed) return false
      await recordAudit(trx, {
        ...auditBy(actor),
        action: AuditAction.contactRemoved,
        entityType: 'location',
        entityId: locationId,
        before: removed,
        occurredAt: clock.now(),
      })
      return true
    })
  }

  // The change form, filled in with the location as stored.
  async function formValues(actor: Actor, id: string): Promise<LocationFormValues | null> {
    const l = await editable(actor, id)
    if (!l) return null
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
      contracted: (await isContracted(db, id, actor.councilIds)) ? 'yes' : 'no',
      inArea: l.councilId && actor.councilIds.includes(l.councilId) ? 'in' : 'out',
      bcpReviewedOn: l.bcpReviewedOn ?? '',
      nhsmail: l.nhsmail === null ? '' : l.nhsmail ? 'yes' : 'no',
    }
  }

  return { mayEdit, createLocation, updateLocation, addContact, removeContact, formValues }
}

export type LocationEditService = ReturnType<typeof createLocationEditService>
