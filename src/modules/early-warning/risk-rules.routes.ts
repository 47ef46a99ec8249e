import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { FieldErrors } from '../../domain/outcome.ts'
import { forbidden, notFound } from '../../web/errors.ts'
import { errorSummary, pageNumber, pagination, text } from '../../web/forms.ts'
import { requireSignIn, signedInActor } from '../../web/session.ts'
import { measureDefinitions } from './domain/measures.ts'
import { ruleKinds, type TrendFields, trendFieldsOf, trendFigureChoices } from './domain/rule-kinds.ts'
import { mayManageRiskRules, mayReadRiskRules, type RuleDraft } from './domain/rules.ts'
import { earlyWarningPaths } from './early-warning.paths.ts'
import type { RiskRulesService } from './risk-rules.service.ts'

const pageSize = 25
const fieldOrder = [
  'ruleKey',
  'name',
  'kind',
  'condition',
  'figure',
  'direction',
  'periods',
  'percent',
  'percentile',
  'severity',
  'message',
]
const paths = earlyWarningPaths.riskRules

// The form's fields as typed, to show again (the service checks them with the form's schema).
type Draft = RuleDraft & TrendFields & { changeNote: string }
function draftFrom(input: Record<string, unknown>, ruleKey?: string): Draft {
  return {
    ruleKey: ruleKey ?? text(input.ruleKey).trim(),
    name: text(input.name),
    condition: text(input.condition),
    severity: text(input.severity),
    message: text(input.message),
    changeNote: text(input.changeNote),
    kind: text(input.kind) || 'condition',
    figure: text(input.figure),
    direction: text(input.direction),
    periods: text(input.periods),
    percent: text(input.percent),
    percentile: text(input.percentile),
  }
}

// A reader may ask for another council's rules among those it may read (`?council=`); links keep it.
const requestedCouncil = (request: FastifyRequest) =>
  text((request.query as Record<string, unknown>).council) || undefined
const councilQuery = (councilId: string | undefined) =>
  councilId ? `?${new URLSearchParams({ council: councilId })}` : ''

// The rules admin: list, a rule with its history, edit or add with a preview before saving, turn off or on.
// Edit and add forms are GET forms to the preview (nothing changes until "Save"), which posts with CSRF.
export async function riskRulesRoutes(app: FastifyInstance, options: { riskRules: RiskRulesService }) {
  const { riskRules } = options
  app.addHook('preHandler', requireSignIn)

  app.get(paths.list.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const requested = requestedCouncil(request)
    const result = await riskRules.list(actor, requested)
    if (!result) throw requested ? notFound() : forbidden()
    return reply.render('early-warning/views/risk-rules.njk', {
      pageTitle: 'Risk rules',
      rules: result.rules,
      owner: result.owner,
      isInstallDefaults: result.councilId === null,
      mayManage: result.mayManage,
      councilQuery: councilQuery(requested),
      measures: measureDefinitions,
    })
  })

  function renderForm(
    reply: FastifyReply,
    values: Draft,
    options: { isNew: boolean; errors?: FieldErrors; status?: number },
  ) {
    const errors = options.errors
    return reply.code(options.status ?? 200).render('early-warning/views/risk-rule-form.njk', {
      pageTitle: options.isNew ? 'Add a risk rule' : `Change the rule: ${values.name || values.ruleKey}`,
      isNew: options.isNew,
      values,
      errors,
      errorList: errors ? errorSummary(errors, fieldOrder) : undefined,
      measures: measureDefinitions,
      ruleKinds,
      trendFigures: trendFigureChoices,
    })
  }

  async function renderPreview(request: FastifyRequest, reply: FastifyReply, draft: Draft, isNew: boolean) {
    const actor = signedInActor(request)
    const page = pageNumber((request.query as Record<string, unknown>).page)
    const form = { fields: request.query, ruleKey: isNew ? undefined : draft.ruleKey }
    const result = await riskRules.preview(actor, form, {
      isNew,
      page,
      pageSize,
      council: requestedCouncil(request),
    })
    if (!result) throw notFound()
    if (!result.ok) return renderForm(reply, draft, { isNew, errors: result.errors, status: 400 })
    const base = isNew ? paths.newPreview.build() : paths.preview.build(draft.ruleKey)
    const query = {
      ...(isNew ? { ruleKey: draft.ruleKey } : {}),
      name: draft.name,
      condition: draft.condition,
      severity: draft.severity,
      message: draft.message,
      changeNote: draft.changeNote,
      kind: draft.kind,
      figure: draft.figure,
      direction: draft.direction,
      periods: draft.periods,
      percent: draft.percent,
      percentile: draft.percentile,
    }
    return reply.render('early-warning/views/risk-rule-preview.njk', {
      pageTitle: 'Check the rule before saving it',
      isNew,
      draft,
      trendFields: ['kind', 'figure', 'direction', 'periods', 'percent', 'percentile'],
      hasReasons: result.locations.some((l) => l.reason),
      result,
      pagination: pagination(base, query, page, pageSize, result.total),
      changeHref: `${isNew ? paths.new.build() : paths.edit.build(draft.ruleKey)}?${new URLSearchParams(query).toString()}`,
    })
  }

  app.get(paths.new.pattern, async (request, reply) => {
    if (!mayManageRiskRules(signedInActor(request))) throw forbidden()
    const query = request.query as Record<string, unknown>
    return renderForm(
      reply,
      { ...draftFrom(query), severity: text(query.severity) || 'amber' },
      { isNew: true },
    )
  })

  app.get(paths.newPreview.pattern, async (request, reply) => {
    if (!mayManageRiskRules(signedInActor(request))) throw forbidden()
    return renderPreview(request, reply, draftFrom(request.query as Record<string, unknown>), true)
  })

  app.post(paths.new.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    if (!mayManageRiskRules(actor)) throw forbidden()
    const form = { fields: request.body }
    const saved = await riskRules.save(actor, form, { isNew: true, council: requestedCouncil(request) })
    if (!saved.ok && 'errors' in saved)
      return renderForm(reply, draftFrom(request.body as Record<string, unknown>), {
        isNew: true,
        errors: saved.errors,
        status: 400,
      })
    if (!saved.ok) throw notFound()
    return reply.redirect(`${paths.rule.build(saved.ruleKey)}?saved=${saved.version}`, 303)
  })

  app.get(paths.rule.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const { id } = request.params as { id: string }
    const requested = requestedCouncil(request)
    const rule = await riskRules.get(actor, id, requested)
    if (!rule) throw notFound()
    return reply.render('early-warning/views/risk-rule.njk', {
      pageTitle: rule.current.name,
      rule,
      owner: rule.owner,
      mayManage: rule.mayManage,
      councilQuery: councilQuery(requested),
      savedVersion: text((request.query as Record<string, unknown>).saved),
    })
  })

  app.get(paths.edit.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const { id } = request.params as { id: string }
    const rule = await riskRules.getForChange(actor, id, requestedCouncil(request))
    if (!rule) throw notFound()
    const query = request.query as Record<string, unknown>
    // Coming back from the preview with "Change" keeps what was typed.
    const values =
      query.condition !== undefined || query.kind !== undefined
        ? draftFrom(query, id)
        : { ...rule.current, ...trendFieldsOf(rule.current.condition), changeNote: '' }
    return renderForm(reply, values, { isNew: false })
  })

  app.get(paths.preview.pattern, async (request, reply) => {
    const { id } = request.params as { id: string }
    if (!mayReadRiskRules(signedInActor(request))) throw notFound()
    return renderPreview(request, reply, draftFrom(request.query as Record<string, unknown>, id), false)
  })

  app.post(paths.rule.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const { id } = request.params as { id: string }
    const form = { fields: request.body, ruleKey: id }
    const saved = await riskRules.save(actor, form, { isNew: false, council: requestedCouncil(request) })
    if (!saved.ok && 'errors' in saved)
      return renderForm(reply, draftFrom(request.body as Record<string, unknown>, id), {
        isNew: false,
        errors: saved.errors,
        status: 400,
      })
    if (!saved.ok) throw notFound()
    return reply.redirect(`${paths.rule.build(saved.ruleKey)}?saved=${saved.version}`, 303)
  })

  for (const [action, enabled] of [
    ['disable', false],
    ['enable', true],
  ] as const)
    app.post(paths[action].pattern, async (request, reply) => {
      const actor = signedInActor(request)
      const { id } = request.params as { id: string }
      const saved = await riskRules.setEnabled(actor, id, enabled, requestedCouncil(request))
      if (!saved.ok) throw notFound()
      return reply.redirect(`${paths.rule.build(saved.ruleKey)}?saved=${saved.version}`, 303)
    })
}
