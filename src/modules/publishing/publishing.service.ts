import type { Db } from '../../db/database.ts'
import type { Clock } from '../../domain/clock.ts'
import { londonDate } from '../../domain/dates.ts'
import { isUuid, type Outcome } from '../../domain/outcome.ts'
import type { Actor } from '../../domain/policy.ts'
import { recordAudit } from '../audit/index.ts'
import { addWorkingDays } from '../enquiries/index.ts'
import { correctableVersion } from './correction.ts'
import type { PublicationContent } from './domain/content.ts'
import { defaultSuppressionRule, type SuppressionRule } from './domain/suppression.ts'
import {
  challengeOpen,
  defaultCheckWorkingDays,
  mayPrepare,
  maySignOff,
  signOffBlockers,
  validateChallenge,
  validateCheckDays,
  validateText,
} from './domain/workflow.ts'
import { type KindRegistry, kindRegistry } from './publication-kinds.ts'
import { publishVersion } from './publish-version.ts'
import { createPublishedReads } from './published-reads.ts'
import { publishingAuditActions as A } from './publishing.audit-actions.ts'
import {
  addEvent,
  challengesOf,
  eventsOf,
  findPublication,
  findVersion,
  publicationsOf,
  versionsOf,
} from './publishing.repository.ts'

type Found = NonNullable<Awaited<ReturnType<typeof findVersion>>>
type Kind = { build: (db: Db, c: string, at: Date) => Promise<PublicationContent> }

// Publishing any public output: a kind registered by its capability is prepared as a draft, checked by
// the providers it names, signed off by a named officer and published as a frozen version.
export function createPublishingService(deps: {
  db: Db
  clock: Clock
  baseUrl: string
  rule?: SuppressionRule
  kinds?: KindRegistry
}) {
  const { db, clock, baseUrl } = deps
  const rule = deps.rule ?? defaultSuppressionRule
  const kinds = deps.kinds ?? kindRegistry()
  const today = () => londonDate(clock.now())

  const audit = (actor: Actor, action: (typeof A)[keyof typeof A], entityId: string, after: unknown) => ({
    actorUserId: actor.userId,
    organisationId: actor.organisationId,
    action,
    entityType: 'publication',
    entityId,
    before: null,
    after: after as Record<string, unknown>,
    occurredAt: clock.now(),
  })

  // A publication of one of the actor's councils (prepare and sign-off), or named providers' (check).
  async function versionOf(actor: Actor, id: string, version: string) {
    if (!isUuid(id) || !/^\d{1,6}$/.test(version)) return null
    const publication = await findPublication(db, id)
    if (!publication || !actor.councilIds.includes(publication.councilId)) return null
    const found = await findVersion(db, id, Number(version))
    if (!found) return null
    const kind = kinds.get(publication.kind)
    if (!kind) return null
    return { publication, version: found, kind }
  }

  // A version's content: as published, or built now.
  async function contentOf(found: { publication: { councilId: string }; version: Found; kind: Kind }) {
    if (found.version.status === 'published') return found.version.content as PublicationContent
    return found.kind.build(db, found.publication.councilId, clock.now())
  }

  const openChallenges = async (versionId: string) =>
    (await challengesOf(db, versionId)).filter((c) => c.resolvedAt === null).length

  async function list(actor: Actor) {
    if (!mayPrepare(actor)) return null
    const publications = await publicationsOf(db, actor.councilIds)
    const versions = await versionsOf(
      db,
      publications.map((p) => p.id),
    )
    return {
      kinds: kinds.all().map((k) => ({ kind: k.kind, name: k.name })),
      publications: publications.map((p) => ({
        ...p,
        versions: versions.filter((v) => v.publicationId === p.id),
      })),
    }
  }

  async function start(actor: Actor, kindName: string): Promise<Outcome<{ id: string }> | null> {
    if (!mayPrepare(actor) || actor.organisationKind !== 'council') return null
    const kind = kinds.get(kindName)
    if (!kind) return { ok: false, errors: { kind: 'Select what to publish' } }
    const now = clock.now()
    const id = await db.transaction().execute(async (trx) => {
      const { id } = await trx
        .insertInto('publications')
        .values({
          councilId: actor.organisationId,
          kind: kind.kind,
          title: kind.name,
          createdBy: actor.userId,
          createdAt: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      const version = await trx
        .insertInto('publicationVersions')
        .values({
          publicationId: id,
          version: 1,
          status: 'draft',
          checkDays: defaultCheckWorkingDays,
          content: null,
          html: null,
          docx: null,
          csv: null,
          createdBy: actor.userId,
          createdAt: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      await addEvent(trx, {
        versionId: version.id,
        kind: 'draft_started',
        details: {},
        actorUserId: actor.userId,
        occurredAt: now,
      })
      await recordAudit(trx, audit(actor, A.publicationStarted, id, { kind: kind.kind }))
      return id
    })
    return { ok: true, value: { id } }
  }

  async function page(actor: Actor, id: string, version: string) {
    if (!mayPrepare(actor)) return null
    const found = await versionOf(actor, id, version)
    if (!found) return null
    const challenges = await challengesOf(db, found.version.id)
    const all = await versionsOf(db, [id])
    const state = { ...found.version, openChallenges: challenges.filter((c) => !c.resolvedAt).length }
    return {
      ...found,
      content: await contentOf(found),
      challenges,
      versions: all,
      events: await eventsOf(
        db,
        all.map((v) => v.id),
      ),
      blockers: signOffBlockers(state, today()),
      maySignOff: maySignOff(actor),
      mayCorrect:
        found.version.status === 'published' && all[all.length - 1]!.version === found.version.version,
    }
  }

  async function startCheck(actor: Actor, id: string, version: string, rawDays: string) {
    if (!mayPrepare(actor)) return null
    const found = await versionOf(actor, id, version)
    if (found?.version.status !== 'draft') return null
    const days = validateCheckDays(rawDays)
    if (!days.ok) return days
    const now = clock.now()
    const closesOn = addWorkingDays(today(), days.value)
    await db.transaction().execute(async (trx) => {
      await trx
        .updateTable('publicationVersions')
        .set({ status: 'checking', checkDays: days.value, checkStartedAt: now, checkClosesOn: closesOn })
        .where('id', '=', found.version.id)
        .execute()
      await addEvent(trx, {
        versionId: found.version.id,
        kind: 'check_started',
        details: { closesOn, days: days.value },
        actorUserId: actor.userId,
        occurredAt: now,
      })
      await recordAudit(
        trx,
        audit(actor, A.accuracyCheckStarted, id, { version: found.version.version, closesOn }),
      )
    })
    return { ok: true as const, value: { closesOn } }
  }

  // A provider manager's own figures in every version being checked that names their provider.
  async function figuresToCheck(actor: Actor) {
    if (actor.role !== 'provider_manager' || !actor.providerId) return null
    const checking = await db
      .selectFrom('publicationVersions as v')
      .innerJoin('publications as p', 'p.id', 'v.publicationId')
      .select([
        'p.id',
        'p.kind',
        'p.councilId',
        'p.title',
        'v.id as versionId',
        'v.version',
        'v.status',
        'v.checkClosesOn',
      ])
      .where('v.status', '=', 'checking')
      .where('v.checkClosesOn', '>=', today())
      .execute()
    const found = []
    for (const v of checking) {
      const kind = kinds.get(v.kind)
      if (!kind) continue
      const content = await kind.build(db, v.councilId, clock.now())
      const named = content.providers.find((p) => p.providerId === actor.providerId)
      if (!named) continue
      const challenges = (await challengesOf(db, v.versionId)).filter(
        (c) => c.providerId === actor.providerId,
      )
      found.push({ ...v, named, challenges })
    }
    return found
  }

  async function challenge(
    actor: Actor,
    id: string,
    version: string,
    form: { figure: string; reason: string },
  ) {
    const mine = (await figuresToCheck(actor))?.find((v) => v.id === id && String(v.version) === version)
    if (
      !mine ||
      !challengeOpen({ status: mine.status, checkClosesOn: mine.checkClosesOn, openChallenges: 0 }, today())
    )
      return null
    const checked = validateChallenge(
      form,
      mine.named.figures.map((f) => f.label),
    )
    if (!checked.ok) return checked
    const now = clock.now()
    await db.transaction().execute(async (trx) => {
      const { id: challengeId } = await trx
        .insertInto('publicationChallenges')
        .values({
          versionId: mine.versionId,
          providerId: actor.providerId!,
          ...checked.value,
          raisedBy: actor.userId,
          raisedAt: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      await addEvent(trx, {
        versionId: mine.versionId,
        kind: 'challenge_raised',
        details: { provider: mine.named.name, ...checked.value },
        actorUserId: actor.userId,
        occurredAt: now,
      })
      await recordAudit(
        trx,
        audit(actor, A.figureChallenged, challengeId, { publicationId: id, ...checked.value }),
      )
    })
    return { ok: true as const, value: { id } }
  }

  async function resolve(actor: Actor, id: string, version: string, challengeId: string, raw: string) {
    if (!mayPrepare(actor) || !isUuid(challengeId)) return null
    const found = await versionOf(actor, id, version)
    if (!found) return null
    const open = (await challengesOf(db, found.version.id)).find((c) => c.id === challengeId && !c.resolvedAt)
    if (!open) return null
    const resolution = validateText('resolution', raw, 'Enter how the challenge was resolved')
    if (!resolution.ok) return resolution
    const now = clock.now()
    await db.transaction().execute(async (trx) => {
      await trx
        .updateTable('publicationChallenges')
        .set({ resolution: resolution.value, resolvedBy: actor.userId, resolvedAt: now })
        .where('id', '=', challengeId)
        .execute()
      await addEvent(trx, {
        versionId: found.version.id,
        kind: 'challenge_resolved',
        details: { provider: open.providerName, figure: open.figure, resolution: resolution.value },
        actorUserId: actor.userId,
        occurredAt: now,
      })
      await recordAudit(trx, audit(actor, A.challengeResolved, challengeId, { resolution: resolution.value }))
    })
    return { ok: true as const, value: { id } }
  }

  // Sign-off: the named officer (the signed-in user) publishes, if nothing blocks it today.
  async function signOff(actor: Actor, id: string, version: string, confirm: boolean, signedOffName: string) {
    if (!maySignOff(actor)) return null
    const found = await versionOf(actor, id, version)
    if (!found) return null
    const blockers = signOffBlockers(
      { ...found.version, openChallenges: await openChallenges(found.version.id) },
      today(),
    )
    if (blockers.length) return { ok: false as const, blockers }
    if (!confirm) return { ok: true as const, published: false, found }
    const now = clock.now()
    await db.transaction().execute(async (trx) => {
      await publishVersion(trx, {
        kind: found.kind,
        councilId: found.publication.councilId,
        versionId: found.version.id,
        publicationId: id,
        version: found.version.version,
        changeNote: found.version.changeNote,
        at: now,
        signedOff: { userId: actor.userId, name: signedOffName },
        baseUrl,
        rule,
      })
      await recordAudit(
        trx,
        audit(actor, A.versionPublished, id, { version: found.version.version, signedOffBy: signedOffName }),
      )
    })
    return { ok: true as const, published: true, found }
  }

  const correctable = (actor: Actor, id: string) => correctableVersion(db, actor, id)

  // A correction: a new version of a published output, saying what changed; checked and signed off anew.
  async function correct(actor: Actor, id: string, rawNote: string) {
    const latest = await correctable(actor, id)
    if (!latest) return null
    const note = validateText('changeNote', rawNote, 'Enter what this correction changes')
    if (!note.ok) return note
    const now = clock.now()
    const version = latest.version + 1
    await db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('publicationVersions')
        .values({
          publicationId: id,
          version,
          status: 'draft',
          changeNote: note.value,
          checkDays: latest.checkDays,
          content: null,
          html: null,
          docx: null,
          csv: null,
          createdBy: actor.userId,
          createdAt: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      await addEvent(trx, {
        versionId: row.id,
        kind: 'correction_started',
        details: { changeNote: note.value, corrects: latest.version },
        actorUserId: actor.userId,
        occurredAt: now,
      })
      await recordAudit(trx, audit(actor, A.correctionStarted, id, { version, changeNote: note.value }))
    })
    return { ok: true as const, value: { version } }
  }

  const { latestPublished, publishedBytes, publishedData, publishedVersions } = createPublishedReads(db)

  return {
    latestPublished,
    registerKind: kinds.register,
    kinds: kinds.all,
    list,
    start,
    page,
    startCheck,
    figuresToCheck,
    challenge,
    resolve,
    signOff,
    correct,
    mayCorrect: async (actor: Actor, id: string) => (await correctable(actor, id)) !== null,
    publishedBytes,
    publishedData,
    publishedVersions,
  }
}

export type PublishingService = ReturnType<typeof createPublishingService>
