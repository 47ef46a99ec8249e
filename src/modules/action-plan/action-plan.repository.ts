import type { Kysely, Transaction } from 'kysely'
import type { Db } from '../../db/database.ts'
import type { Database } from '../../db/schema.ts'

type Conn = Db | Kysely<Database> | Transaction<Database>

// The SQL of the action plan: areas, actions and every update written.

export const areasOf = (db: Conn, councilId: string) =>
  db.selectFrom('planAreas').selectAll().where('councilId', '=', councilId).orderBy('number').execute()

export const actionsOf = (db: Conn, councilId: string) =>
  db
    .selectFrom('planActions as a')
    .innerJoin('planAreas as ar', 'ar.id', 'a.areaId')
    .leftJoin('organisations as o', 'o.id', 'a.leadOrganisationId')
    .select([
      'a.id',
      'a.areaId',
      'ar.number as areaNumber',
      'ar.councilId',
      'a.position',
      'a.title',
      'a.leadOrganisationId',
      'o.name as leadOrganisationName',
      'a.leadName',
      'a.partners',
      'a.dueOn',
      'a.rag',
      'a.measureKeys',
    ])
    .where('ar.councilId', '=', councilId)
    .orderBy('ar.number')
    .orderBy('a.position')
    .execute()

export const findAction = (db: Conn, id: string) =>
  db
    .selectFrom('planActions as a')
    .innerJoin('planAreas as ar', 'ar.id', 'a.areaId')
    .leftJoin('organisations as o', 'o.id', 'a.leadOrganisationId')
    .select([
      'a.id',
      'a.areaId',
      'ar.councilId',
      'ar.number as areaNumber',
      'ar.title as areaTitle',
      'a.position',
      'a.title',
      'a.leadOrganisationId',
      'o.name as leadOrganisationName',
      'a.leadName',
      'a.partners',
      'a.dueOn',
      'a.rag',
      'a.measureKeys',
    ])
    .where('a.id', '=', id)
    .executeTakeFirst()

export const updatesOf = (db: Conn, actionId: string) =>
  db
    .selectFrom('planActionUpdates')
    .selectAll()
    .where('actionId', '=', actionId)
    .orderBy('writtenAt', 'desc')
    .orderBy('id')
    .execute()

// Each action's latest update written by `at`.
export const latestUpdatesAt = (db: Conn, councilId: string, at: Date) =>
  db
    .selectFrom('planActionUpdates as u')
    .innerJoin('planActions as a', 'a.id', 'u.actionId')
    .innerJoin('planAreas as ar', 'ar.id', 'a.areaId')
    .distinctOn('u.actionId')
    .select(['u.actionId', 'u.period', 'u.doneThisPeriod', 'u.stillToDo', 'u.rag', 'u.writtenAt'])
    .where('ar.councilId', '=', councilId)
    .where('u.writtenAt', '<=', at)
    .orderBy('u.actionId')
    .orderBy('u.writtenAt', 'desc')
    .orderBy('u.id', 'desc')
    .execute()

// The organisations that may lead a council's actions: the council and the partners serving it.
export const leadOrganisationsOf = (db: Conn, councilId: string) =>
  db
    .selectFrom('organisations as o')
    .select(['o.id', 'o.name'])
    .where((eb) =>
      eb.or([
        eb('o.id', '=', councilId),
        eb(
          'o.id',
          'in',
          eb.selectFrom('partnerCouncils').select('partnerId').where('councilId', '=', councilId),
        ),
      ]),
    )
    .orderBy('o.name')
    .execute()

export const findArea = (db: Conn, id: string) =>
  db.selectFrom('planAreas').selectAll().where('id', '=', id).executeTakeFirst()
