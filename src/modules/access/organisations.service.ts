import { sql } from 'kysely'
import type { Db, DbOrTransaction } from '../../db/database.ts'
import { organisationVisible } from '../../db/scope.ts'
import type { Clock } from '../../domain/clock.ts'
import { type FieldErrors, isUuid, type Outcome } from '../../domain/outcome.ts'
import { type Actor, can, organisationScope } from '../../domain/policy.ts'
import { isOrganisationKind, type OrganisationKind } from '../../domain/roles.ts'
import { textLimits, tooLong } from '../../domain/text-limits.ts'
import { recordAudit } from '../audit/index.ts'
import { accessAuditActions } from './access.audit-actions.ts'
import type { CouncilCreatedHook } from './user-reads.ts'

export type OrganisationInput = { name: string; kind: string; onsCode: string; odsCode: string }

const partnerKinds: OrganisationKind[] = [
  'nhs_commissioner',
  'infection_control_team',
  'healthwatch',
  'regulator',
  'other_partner',
]

// The rules of an organisation's own fields, whoever adds it (an admin's form, the carehub command).
export function organisationFieldProblems(
  input: { name: string; onsCode: string; odsCode: string },
  kind: string,
): FieldErrors {
  const errors: FieldErrors = {}
  if (!input.name.trim()) errors.name = 'Enter the organisation’s name'
  else if (input.name.trim().length > textLimits.name)
    errors.name = tooLong('Name', input.name.trim(), textLimits.name)!
  if (input.onsCode.trim() && !/^E\d{8}$/.test(input.onsCode.trim()))
    errors.onsCode = 'Enter an ONS code like E10000014, or leave it blank'
  if (kind === 'council' && !input.onsCode.trim()) errors.onsCode = 'Enter the council’s ONS code'
  if (input.odsCode.trim() && !/^[A-Z0-9]{3,10}$/i.test(input.odsCode.trim()))
    errors.odsCode = 'Enter an ODS code of 3 to 10 letters and numbers, or leave it blank'
  return errors
}

async function insertOrganisation(trx: DbOrTransaction, input: OrganisationInput, now: Date) {
  return trx
    .insertInto('organisations')
    .values({
      name: input.name.trim(),
      kind: input.kind,
      onsCode: input.onsCode.trim().toUpperCase() || null,
      odsCode: input.odsCode.trim().toUpperCase() || null,
      createdAt: now,
      updatedAt: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
}

// The organisation of the install's first user, made by the carehub command (nobody signed in).
export async function createOrganisationByCommand(
  trx: DbOrTransaction,
  input: OrganisationInput,
  now: Date,
  councilCreated: readonly CouncilCreatedHook[] = [],
): Promise<string> {
  const created = await insertOrganisation(trx, input, now)
  if (created.kind === 'council') for (const hook of councilCreated) await hook(trx, created, now)
  await recordAudit(trx, {
    actorUserId: null,
    organisationId: created.id,
    action: accessAuditActions.organisationCreated,
    entityType: 'organisation',
    entityId: created.id,
    after: created,
    occurredAt: now,
  })
  return created.id
}

export function createOrganisationService(deps: {
  db: Db
  clock: Clock
  councilCreated?: readonly CouncilCreatedHook[]
}) {
  const { db, clock } = deps

  // A council's admin adds partners (linked to the council); a regional admin adds councils too.
  function creatableKinds(actor: Actor): OrganisationKind[] {
    if (!can(actor, 'organisations:manage')) return []
    return actor.organisationKind === 'region' ? ['council', ...partnerKinds, 'region'] : partnerKinds
  }

  async function listOrganisations(
    actor: Actor,
    filter: { search?: string; page: number; pageSize: number },
  ) {
    if (!can(actor, 'organisations:manage')) return null
    let query = db.selectFrom('organisations').where(organisationVisible(organisationScope(actor)))
    if (filter.search)
      query = query.where(sql`lower(organisations.name)`, 'like', `%${filter.search.toLowerCase()}%`)
    const countRow = await query
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .executeTakeFirstOrThrow()
    const organisations = await query
      .select((eb) => [
        'organisations.id',
        'organisations.name',
        'organisations.kind',
        'organisations.onsCode',
        eb
          .selectFrom('users')
          .select(eb.fn.countAll<string>().as('n'))
          .whereRef('users.organisationId', '=', 'organisations.id')
          .as('userCount'),
      ])
      .orderBy('organisations.kind')
      .orderBy('organisations.name')
      .limit(filter.pageSize)
      .offset((filter.page - 1) * filter.pageSize)
      .execute()
    return { organisations, total: Number(countRow.count) }
  }

  async function getOrganisation(actor: Actor, id: string) {
    if (!can(actor, 'organisations:manage') || !isUuid(id)) return null
    const organisation = await db
      .selectFrom('organisations')
      .selectAll()
      .where('id', '=', id)
      .where(organisationVisible(organisationScope(actor)))
      .executeTakeFirst()
    if (!organisation) return null
    const councils = await db
      .selectFrom('partnerCouncils')
      .innerJoin('organisations', 'organisations.id', 'partnerCouncils.councilId')
      .select(['organisations.id', 'organisations.name'])
      .where('partnerCouncils.partnerId', '=', id)
      .orderBy('organisations.name')
      .execute()
    const users = await db
      .selectFrom('users')
      .select(['id', 'displayName', 'email', 'role', 'status'])
      .where('organisationId', '=', id)
      .orderBy('displayName')
      .execute()
    return { organisation, councils, users }
  }

  function validate(actor: Actor, input: OrganisationInput, kindFixed: string | null): FieldErrors {
    const kind = kindFixed ?? input.kind
    const errors = organisationFieldProblems(input, kind)
    if (!kindFixed && !(isOrganisationKind(kind) && creatableKinds(actor).includes(kind)))
      errors.kind = 'Select the type of organisation'
    return errors
  }

  async function clash(name: string, onsCode: string, exceptId: string | null): Promise<FieldErrors> {
    const errors: FieldErrors = {}
    let byName = db
      .selectFrom('organisations')
      .select('id')
      .where(sql`lower(name)`, '=', name.trim().toLowerCase())
    if (exceptId) byName = byName.where('id', '!=', exceptId)
    if (await byName.executeTakeFirst()) errors.name = 'An organisation with this name already exists'
    if (onsCode.trim()) {
      let byCode = db
        .selectFrom('organisations')
        .select('id')
        .where('onsCode', '=', onsCode.trim().toUpperCase())
      if (exceptId) byCode = byCode.where('id', '!=', exceptId)
      if (await byCode.executeTakeFirst())
        errors.onsCode = 'An organisation with this ONS code already exists'
    }
    return errors
  }

  async function createOrganisation(
    actor: Actor,
    input: OrganisationInput,
  ): Promise<Outcome<{ id: string }>> {
    let errors = validate(actor, input, null)
    if (!Object.keys(errors).length) errors = await clash(input.name, input.onsCode, null)
    if (Object.keys(errors).length) return { ok: false, errors }
    const id = await db.transaction().execute(async (trx) => {
      const now = clock.now()
      const created = await insertOrganisation(trx, input, now)
      // A council added after its locations were imported sees them (issue 17, item 4).
      if (created.kind === 'council')
        for (const hook of deps.councilCreated ?? []) await hook(trx, created, now)
      // A partner added by a council's admin serves that council.
      if (partnerKinds.includes(input.kind as OrganisationKind)) {
        for (const councilId of actor.councilIds) {
          await trx.insertInto('partnerCouncils').values({ partnerId: created.id, councilId }).execute()
        }
      }
      await recordAudit(trx, {
        actorUserId: actor.userId,
        organisationId: created.id,
        action: accessAuditActions.organisationCreated,
        entityType: 'organisation',
        entityId: created.id,
        after: { ...created, councilIds: actor.councilIds },
        occurredAt: now,
      })
      return created.id
    })
    return { ok: true, value: { id } }
  }

  async function updateOrganisation(
    actor: Actor,
    id: string,
    input: OrganisationInput,
  ): Promise<Outcome<null> | null> {
    const found = await getOrganisation(actor, id)
    if (!found) return null
    const { organisation } = found
    let errors = validate(actor, input, organisation.kind)
    if (!Object.keys(errors).length) errors = await clash(input.name, input.onsCode, id)
    if (Object.keys(errors).length) return { ok: false, errors }
    await db.transaction().execute(async (trx) => {
      const now = clock.now()
      const after = {
        name: input.name.trim(),
        onsCode: input.onsCode.trim().toUpperCase() || null,
        odsCode: input.odsCode.trim().toUpperCase() || null,
      }
      await trx
        .updateTable('organisations')
        .set({ ...after, updatedAt: now })
        .where('id', '=', id)
        .execute()
      await recordAudit(trx, {
        actorUserId: actor.userId,
        organisationId: id,
        action: accessAuditActions.organisationUpdated,
        entityType: 'organisation',
        entityId: id,
        before: { name: organisation.name, onsCode: organisation.onsCode, odsCode: organisation.odsCode },
        after,
        occurredAt: now,
      })
    })
    return { ok: true, value: null }
  }

  return { creatableKinds, listOrganisations, getOrganisation, createOrganisation, updateOrganisation }
}

export type OrganisationService = ReturnType<typeof createOrganisationService>
