import { sql } from 'kysely'
import type { Db } from '../../db/database.ts'
import type { Clock } from '../../domain/clock.ts'
import { dateInWords, londonDate } from '../../domain/dates.ts'
import { isUuid, type Outcome } from '../../domain/outcome.ts'
import type { Actor } from '../../domain/policy.ts'
import { recordAudit } from '../audit/index.ts'
import { bulletinsAuditActions as actions } from './bulletins.audit-actions.ts'
import { sendingCouncil } from './bulletins.service.ts'
import { defaultLetter, mergeLetter, unknownFields } from './domain/letter.ts'
import { letterAsDocx, letterAsPdf } from './letter-files.ts'

export type LetterService = ReturnType<typeof createLetterService>
export type LetterForm = { body: string; phone: string; outOfHoursPhone: string }

export function checkLetter(form: LetterForm): Outcome<LetterForm> {
  const errors: Record<string, string> = {}
  if (!form.body.trim()) errors.body = 'Enter the letter'
  else if (form.body.length > 10_000) errors.body = 'Letter must be 10,000 characters or fewer'
  else if (unknownFields(form.body).length)
    errors.body = `The letter names a field that does not exist: {{${unknownFields(form.body)[0]}}}`
  const phone = /^[0-9 +()-]{6,30}$/
  if (!phone.test(form.phone.trim())) errors.phone = 'Enter a telephone number, like 01632 960 001'
  if (!phone.test(form.outOfHoursPhone.trim()))
    errors.outOfHoursPhone = 'Enter a telephone number, like 01632 960 002'
  if (Object.keys(errors).length) return { ok: false, errors }
  return {
    ok: true,
    value: { body: form.body.trim(), phone: form.phone.trim(), outOfHoursPhone: form.outOfHoursPhone.trim() },
  }
}

// Letters to people who receive care: the council keeps the text and its numbers; a provider (or an
// officer for a provider) downloads it filled in as DOCX, and each download is recorded.
export function createLetterService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps

  async function template(councilId: string) {
    return db.selectFrom('letterTemplates').selectAll().where('councilId', '=', councilId).executeTakeFirst()
  }

  async function officerPage(actor: Actor) {
    const council = sendingCouncil(actor)
    if (!council) return null
    const saved = await template(council)
    const issues = await db
      .selectFrom('letterIssues')
      .innerJoin('providers', 'providers.id', 'letterIssues.providerId')
      .select(['providers.name as providerName', 'letterIssues.issuedAt', 'letterIssues.providerId'])
      .where('letterIssues.councilId', '=', council)
      .orderBy('letterIssues.issuedAt', 'desc')
      .limit(200)
      .execute()
    const providers = await sql<{ id: string; name: string }>`
      select distinct p.id, p.name from providers p join locations l on l.provider_id = p.id
      where l.council_id = ${council} and l.status = 'open' order by p.name limit 500`.execute(db)
    return {
      values: saved ?? { body: defaultLetter, phone: '', outOfHoursPhone: '' },
      saved: Boolean(saved),
      issues,
      providers: providers.rows,
    }
  }

  async function save(actor: Actor, form: LetterForm): Promise<Outcome<null> | null> {
    const council = sendingCouncil(actor)
    if (!council) return null
    const checked = checkLetter(form)
    if (!checked.ok) return checked
    const now = clock.now()
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('letterTemplates')
        .values({ councilId: council, ...checked.value, updatedBy: actor.userId, updatedAt: now })
        .onConflict((oc) =>
          oc.column('councilId').doUpdateSet({ ...checked.value, updatedBy: actor.userId, updatedAt: now }),
        )
        .execute()
      await recordAudit(trx, {
        actorUserId: actor.userId,
        organisationId: actor.organisationId,
        councilId: council,
        action: actions.letterTemplateSaved,
        entityType: 'letter-template',
        entityId: council,
        after: checked.value,
        occurredAt: now,
      })
    })
    return { ok: true, value: null }
  }

  // The councils whose letter a provider may download: those of its open locations with a letter.
  async function lettersForProvider(actor: Actor) {
    if (actor.role !== 'provider_manager' || !actor.providerId) return []
    const { rows } = await sql<{ councilId: string; councilName: string }>`
      select distinct t.council_id as "councilId", o.name as "councilName" from letter_templates t
      join organisations o on o.id = t.council_id
      join locations l on l.council_id = t.council_id and l.provider_id = ${actor.providerId} and l.status = 'open'
      order by o.name`.execute(db)
    return rows
  }

  // The letter for one provider, as DOCX or PDF (for those who print it or have no e-mail); recorded
  // as given to that provider.
  async function letterFile(
    actor: Actor,
    providerId: string,
    format: 'docx' | 'pdf',
  ): Promise<{ file: Buffer; providerName: string } | null> {
    if (!isUuid(providerId)) return null
    const officerCouncil = sendingCouncil(actor)
    let councilId: string | null = officerCouncil
    if (!officerCouncil) {
      if (actor.providerId !== providerId) return null
      councilId = (await lettersForProvider(actor))[0]?.councilId ?? null
    }
    if (!councilId) return null
    const saved = await template(councilId)
    const provider = await sql<{ name: string; councilName: string }>`
      select p.name, o.name as "councilName" from providers p, organisations o
      where p.id = ${providerId} and o.id = ${councilId}
        and exists (select 1 from locations l where l.provider_id = p.id and l.council_id = ${councilId})`.execute(
      db,
    )
    const found = provider.rows[0]
    if (!saved || !found) return null
    const now = clock.now()
    const letter = mergeLetter(saved.body, {
      providerName: found.name,
      councilName: found.councilName,
      councilPhone: saved.phone,
      outOfHoursPhone: saved.outOfHoursPhone,
      date: dateInWords(londonDate(now)),
    })
    const file =
      format === 'pdf'
        ? await letterAsPdf(letter, found.councilName)
        : await letterAsDocx(letter, found.councilName)
    await db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('letterIssues')
        .values({ councilId: councilId!, providerId, letter, issuedTo: actor.userId, issuedAt: now })
        .returning('id')
        .executeTakeFirstOrThrow()
      await recordAudit(trx, {
        actorUserId: actor.userId,
        organisationId: actor.organisationId,
        councilId,
        action: actions.letterIssued,
        entityType: 'letter',
        entityId: row.id,
        after: { providerId, format },
        occurredAt: now,
      })
    })
    return { file, providerName: found.name }
  }

  return { officerPage, save, lettersForProvider, letterFile }
}
