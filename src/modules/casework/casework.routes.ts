import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { LocationPanel } from '../../capability.ts'
import type { Actor } from '../../domain/policy.ts'
import { forbidden, notFound } from '../../web/errors.ts'
import { errorSummary, pageNumber, pagination, text } from '../../web/forms.ts'
import { panelView } from '../../web/panels.ts'
import { requireSignIn, signedInActor } from '../../web/session.ts'
import { contactMethodNames, mayRecordContacts } from '../contact-log/index.ts'
import { caseworkPaths as paths } from './casework.paths.ts'
import type { CaseworkService } from './casework.service.ts'
import { type ContactForCase, caseHistory, contactsOfCase } from './domain/case-history.ts'
import { caseStatusNames, mayReadCases, timeAgo } from './domain/casework.rules.ts'
import {
  type WorklistQuery,
  worklistFilterNames,
  worklistFilters,
  worklistOrderNames,
  worklistQueryFrom,
  worklistQueryString,
} from './domain/worklist.rules.ts'
import { worklistFilterItems } from './worklist.view-model.ts'

const pageSize = 25

// Contact follow-ups due, and a location's contacts, from the contact log.
export type FollowUpsDue = (actor: Actor) => Promise<unknown>
export type ContactsForLocation = (actor: Actor, locationId: string) => Promise<CaseContact[] | null>
type CaseContact = ContactForCase & {
  method: string
  summary: string
  actionsAgreed: string | null
  officerName: string
  organisationName: string
}

type Params = { Params: { id: string } }
type ActionParams = { Params: { id: string; actionId: string } }
type AlertParams = { Params: { id: string; alertId: string } }

// A posted form's fields as typed, to show again beside its errors (the service checks them).
const typedValues = <F extends string>(body: unknown, fields: readonly F[]) => {
  const posted = (body ?? {}) as Record<string, unknown>
  return Object.fromEntries(fields.map((f) => [f, text(posted[f])])) as Record<F, string>
}

const eventWords: Record<string, string> = {
  opened: 'Case opened',
  alert_added: 'Alert added',
  alert_resolved: 'Alert resolved',
  ownership_taken: 'Ownership taken',
  passed: 'Passed on',
  action_added: 'Action added',
  action_done: 'Action done',
  closed: 'Case closed',
}

const sourceWords: Record<string, string> = {
  rule: 'Risk rule',
  capacity_tracker: 'National capacity tracker',
  intelligence: 'Intelligence from a partner',
}

export async function caseworkRoutes(
  app: FastifyInstance,
  deps: {
    casework: CaseworkService
    followUpsDue?: FollowUpsDue
    contactsForLocation?: ContactsForLocation
    // Other capabilities' panels for the case's location (src/modules.ts).
    casePagePanels?: (actor: Actor, locationId: string) => Promise<LocationPanel[]>
  },
) {
  const { casework } = deps
  app.addHook('preHandler', requireSignIn)

  app.get(paths.worklist.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    if (!mayReadCases(actor)) throw forbidden()
    const raw = request.query as Record<string, unknown>
    const query = worklistQueryFrom(raw)
    const page = pageNumber(raw.page)
    const result = await casework.worklist(actor, query, { page, pageSize })
    if (!result) throw forbidden()
    const now = casework.now()
    const followUps = deps.followUpsDue ? await deps.followUpsDue(actor) : null
    const href = (change: Partial<WorklistQuery>) => {
      const qs = worklistQueryString(query, change)
      return `${paths.worklist.build()}${qs ? `?${qs}` : ''}`
    }
    const searched = Boolean(query.search || query.area || query.serviceType || query.rag || query.alertKind)
    return reply.render('casework/views/worklist.njk', {
      pageTitle: 'Worklist',
      filter: query.show,
      query,
      searched,
      clearHref: href({ search: '', area: '', serviceType: '', rag: '', alertKind: '' }),
      filterName: worklistFilterNames[query.show],
      orderName: worklistOrderNames[query.order],
      tabs: worklistFilters.map((f) => ({
        href: href({ show: f }),
        text: worklistFilterNames[f],
        count: result.counts.show[f],
        current: f === query.show,
      })),
      ...worklistFilterItems(query, result.counts),
      rows: result.rows.map((r) => ({ ...r, age: timeAgo(r.openedAt, now) })),
      total: result.total,
      caseStatusNames,
      followUps,
      followUpsAvailable: Boolean(deps.followUpsDue),
      pagination: pagination(
        paths.worklist.build(),
        Object.fromEntries(new URLSearchParams(worklistQueryString(query))),
        page,
        pageSize,
        result.total,
      ),
    })
  })

  async function renderCase(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    extra: { errors?: Record<string, string>; values?: Record<string, string>; status?: number } = {},
  ) {
    const actor = signedInActor(request)
    const found = await casework.getCase(actor, id)
    if (!found) throw notFound()
    const errors = extra.errors
    // Calls, visits and e-mails that belong to the case: those logged from it, whatever their date, and
    // the location's others while it was open (and any planned), so the owner sees what was agreed.
    const contacts = deps.contactsForLocation
      ? contactsOfCase(found.case, (await deps.contactsForLocation(actor, found.location.id)) ?? [])
      : null
    const page = {
      contacts,
      history: caseHistory(found.events, contacts ?? []),
      contactMethodNames,
      mayRecordContacts: mayRecordContacts(actor),
      pageTitle: `Case: ${found.location.name}`,
      ...found,
      age: timeAgo(found.case.openedAt, casework.now()),
      caseStatusNames,
      eventWords,
      sourceWords,
      flash: request.query,
      errors,
      errorList: errors
        ? errorSummary(errors, ['takeOwnership', 'passTo', 'description', 'dueOn', 'actions', 'note']).map(
            (e) => (e.href === '#dueOn' ? { ...e, href: '#dueOn-day' } : e),
          )
        : undefined,
      values: extra.values ?? {},
    }
    const panels = deps.casePagePanels ? await deps.casePagePanels(actor, found.location.id) : []
    return reply
      .code(extra.status ?? 200)
      .render('casework/views/case.njk', { ...page, ...panelView(panels, page) })
  }

  app.get<Params>(paths.case.pattern, async (request, reply) => renderCase(request, reply, request.params.id))

  app.post<Params>(paths.takeCaseOwnership.pattern, async (request, reply) => {
    const result = await casework.takeOwnership(signedInActor(request), request.params.id)
    if (!result) throw notFound()
    if (!result.ok)
      return renderCase(request, reply, request.params.id, { errors: result.errors, status: 400 })
    return reply.redirect(`${paths.case.build(request.params.id)}?owned=1`)
  })

  app.post<Params>(paths.passCase.pattern, async (request, reply) => {
    const result = await casework.passCase(signedInActor(request), request.params.id, request.body)
    if (!result) throw notFound()
    if (!result.ok)
      return renderCase(request, reply, request.params.id, {
        errors: result.errors,
        values: typedValues(request.body, ['passTo']),
        status: 400,
      })
    return reply.redirect(`${paths.case.build(request.params.id)}?passed=1`)
  })

  app.post<Params>(paths.caseActions.pattern, async (request, reply) => {
    const result = await casework.addAction(signedInActor(request), request.params.id, request.body)
    if (!result) throw notFound()
    if (!result.ok) {
      const values = typedValues(request.body, ['description', 'dueOn-day', 'dueOn-month', 'dueOn-year'])
      return renderCase(request, reply, request.params.id, { errors: result.errors, values, status: 400 })
    }
    return reply.redirect(`${paths.case.build(request.params.id)}?actionAdded=1#actions`)
  })

  app.post<ActionParams>(paths.caseActionDone.pattern, async (request, reply) => {
    const result = await casework.completeAction(
      signedInActor(request),
      request.params.id,
      request.params.actionId,
    )
    if (!result) throw notFound()
    if (!result.ok)
      return renderCase(request, reply, request.params.id, { errors: result.errors, status: 400 })
    return reply.redirect(`${paths.case.build(request.params.id)}?actionDone=1#actions`)
  })

  async function renderResolve(
    request: FastifyRequest<AlertParams>,
    reply: FastifyReply,
    extra: { errors?: Record<string, string>; note?: string } = {},
  ) {
    const found = await casework.alertOnCase(
      signedInActor(request),
      request.params.id,
      request.params.alertId,
    )
    if (!found) throw notFound()
    return reply.code(extra.errors ? 400 : 200).render('casework/views/resolve-alert.njk', {
      pageTitle: 'Resolve an alert',
      ...found,
      errors: extra.errors,
      errorList: extra.errors ? errorSummary(extra.errors, ['note']) : undefined,
      note: extra.note ?? '',
    })
  }

  app.get<AlertParams>(paths.resolveAlert.pattern, async (request, reply) => renderResolve(request, reply))

  app.post<AlertParams>(paths.resolveAlert.pattern, async (request, reply) => {
    const { note } = typedValues(request.body, ['note'])
    const result = await casework.resolveAlertByHand(
      signedInActor(request),
      request.params.id,
      request.params.alertId,
      (request.body as Record<string, unknown> | undefined)?.note,
    )
    if (!result) throw notFound()
    if (!result.ok) return renderResolve(request, reply, { errors: result.errors, note })
    return reply.redirect(`${paths.case.build(request.params.id)}?alertResolved=1`)
  })

  async function renderClose(
    request: FastifyRequest<Params>,
    reply: FastifyReply,
    extra: { errors?: Record<string, string>; note?: string; confirmAlerts?: boolean } = {},
  ) {
    const found = await casework.getCase(signedInActor(request), request.params.id)
    if (!found) throw notFound()
    return reply.code(extra.errors ? 400 : 200).render('casework/views/close-case.njk', {
      pageTitle: `Close the case: ${found.location.name}`,
      ...found,
      errors: extra.errors,
      errorList: extra.errors ? errorSummary(extra.errors, ['note', 'confirmAlerts']) : undefined,
      note: extra.note ?? '',
      confirmAlerts: extra.confirmAlerts ?? false,
    })
  }

  app.get<Params>(paths.closeCase.pattern, async (request, reply) => renderClose(request, reply))

  app.post<Params>(paths.closeCase.pattern, async (request, reply) => {
    const result = await casework.closeCase(signedInActor(request), request.params.id, request.body)
    if (!result) throw notFound()
    if (!result.ok) {
      const typed = typedValues(request.body, ['note', 'confirmAlerts'])
      return renderClose(request, reply, {
        errors: result.errors,
        note: typed.note,
        confirmAlerts: typed.confirmAlerts === 'yes',
      })
    }
    return reply.redirect(`${paths.case.build(request.params.id)}?closed=1`)
  })

  const intelligenceFields = ['partnerOrganisationId', 'severity', 'title', 'report'] as const

  async function renderIntelligence(
    request: FastifyRequest<Params>,
    reply: FastifyReply,
    extra: { errors?: Record<string, string>; values?: Record<string, string> } = {},
  ) {
    const form = await casework.intelligenceForm(signedInActor(request), request.params.id)
    if (!form) throw notFound()
    const values = extra.values ?? {}
    return reply.code(extra.errors ? 400 : 200).render('casework/views/intelligence.njk', {
      pageTitle: `Record intelligence about ${form.location.name}`,
      location: form.location,
      organisationItems: [
        { value: '', text: 'Select the organisation' },
        ...form.organisations.map((o) => ({
          value: o.id,
          text: o.name,
          selected: o.id === values.partnerOrganisationId,
        })),
      ],
      values,
      errors: extra.errors,
      errorList: extra.errors ? errorSummary(extra.errors, [...intelligenceFields]) : undefined,
    })
  }

  app.get<Params>(paths.recordIntelligence.pattern, async (request, reply) =>
    renderIntelligence(request, reply),
  )

  app.post<Params>(paths.recordIntelligence.pattern, async (request, reply) => {
    const result = await casework.recordIntelligence(signedInActor(request), request.params.id, request.body)
    if (!result) throw notFound()
    if (!result.ok)
      return renderIntelligence(request, reply, {
        errors: result.errors,
        values: typedValues(request.body, intelligenceFields),
      })
    return reply.redirect(`${paths.case.build(result.value.caseId)}?intelligence=1`)
  })
}
