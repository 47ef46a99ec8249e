import type { FastifyInstance, FastifyReply } from 'fastify'
import { dateInWords } from '../../domain/dates.ts'
import type { Actor } from '../../domain/policy.ts'
import { notFound } from '../../web/errors.ts'
import { flashFrom } from '../../web/flash.ts'
import { errorSummary } from '../../web/forms.ts'
import { signedInActor } from '../../web/session.ts'
import { percentText, pounds } from './domain/money.ts'
import { measureField } from './domain/spend.ts'
import { grantsPaths as paths } from './grants.paths.ts'
import { decisionFormFrom, recoveryFormFrom, spendFormFrom } from './grants.schemas.ts'
import type { GrantsService } from './grants.service.ts'
import { money } from './grants.view-model.ts'

// One allocation's page: the provider accepts or declines the terms, sees its tranches and returns its
// spending; finance sees the same and records money clawed back as recovered.
export async function allocationRoutes(app: FastifyInstance, deps: { grants: GrantsService }) {
  const { grants } = deps

  const render = async (
    actor: Actor,
    id: string,
    reply: FastifyReply,
    extra: { values?: Record<string, string>; errors?: Record<string, string>; flash?: unknown } = {},
    status = 200,
  ) => {
    const found = await grants.allocation(actor, id)
    if (!found) throw notFound()
    const { allocation: a, round } = found
    const measures = round.measuresAllowed.map((measure, i) => ({
      measure,
      field: measureField(i),
      spent: found.spendReturn ? pounds(found.spendReturn.amounts[i] ?? 0n) : '',
    }))
    const errors = extra.errors
    return reply.code(status).render('grants/views/allocation.njk', {
      pageTitle: `${round.name}: ${a.locationName}`,
      found,
      round,
      amount: pounds(a.amountPence),
      received: pounds(found.receivedPence),
      decidedOn: a.decidedOn ? dateInWords(a.decidedOn) : '',
      tranches: found.tranches.map((t) => ({
        number: t.number,
        payOn: dateInWords(t.payOn),
        share: percentText(t.shareBp),
        due: pounds(t.duePence),
        paid: t.payment
          ? `${pounds(t.payment.amountPence)} on ${dateInWords(t.payment.paidOn)}`
          : 'Not yet paid',
      })),
      measures,
      spend: found.spendReturn && {
        spent: pounds(found.spendReturn.spentPence),
        unspent: pounds(found.spendReturn.unspentPence),
        clawback: pounds(found.spendReturn.clawbackPence),
        recovered: pounds(found.spendReturn.recoveredPence),
        outstanding: money(found.spendReturn.clawbackPence - found.spendReturn.recoveredPence),
        hasClawback: found.spendReturn.clawbackPence > 0n,
        fullyRecovered: found.spendReturn.recoveredPence >= found.spendReturn.clawbackPence,
        recoveredOn: found.spendReturn.recoveredOn ? dateInWords(found.spendReturn.recoveredOn) : '',
      },
      values: extra.values ?? {},
      errors,
      errorList: errors
        ? errorSummary(errors, [
            'decision',
            'name',
            ...measures.map((m) => m.field),
            'amount',
            'recoveredOn',
          ]).map((e) => (e.href === '#recoveredOn' ? { ...e, href: '#recoveredOn-day' } : e))
        : undefined,
      flash: extra.flash ?? {},
    })
  }

  app.get<{ Params: { id: string } }>(paths.grantAllocation.pattern, async (request, reply) =>
    render(signedInActor(request), request.params.id, reply, { flash: flashFrom(request.query) }),
  )

  app.post<{ Params: { id: string } }>(paths.grantDecision.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const form = decisionFormFrom(request.body)
    const result = form.ok ? await grants.decide(actor, request.params.id, form.value) : form
    if (!result) throw notFound()
    if (!result.ok)
      return render(
        actor,
        request.params.id,
        reply,
        { values: form.ok ? form.value : {}, errors: result.errors },
        400,
      )
    return reply.redirect(`${paths.grantAllocation.build(request.params.id)}?${result.value.decision}=1`)
  })

  app.post<{ Params: { id: string } }>(paths.grantSpendReturn.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const found = await grants.allocation(actor, request.params.id)
    if (!found) throw notFound()
    const typed = spendFormFrom(request.body, found.round.measuresAllowed.length)
    const result = await grants.submitSpend(actor, request.params.id, typed)
    if (!result) throw notFound()
    if (!result.ok) {
      const values = Object.fromEntries(typed.map((v, i) => [measureField(i), v]))
      return render(actor, request.params.id, reply, { values, errors: result.errors }, 400)
    }
    return reply.redirect(`${paths.grantAllocation.build(request.params.id)}?spendReturned=1`)
  })

  app.post<{ Params: { id: string } }>(paths.grantRecovery.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const form = recoveryFormFrom(request.body)
    const result = form.ok ? await grants.recordRecovery(actor, request.params.id, form.value) : form
    if (!result) throw notFound()
    if (!result.ok)
      return render(
        actor,
        request.params.id,
        reply,
        { values: form.ok ? form.value : {}, errors: result.errors },
        400,
      )
    return reply.redirect(`${paths.grantAllocation.build(request.params.id)}?recovered=1`)
  })
}
