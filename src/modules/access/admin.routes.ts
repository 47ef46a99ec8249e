import type { FastifyInstance } from 'fastify'
import { can } from '../../domain/policy.ts'
import { organisationKindNames, type Role, roleNames } from '../../domain/roles.ts'
import { forbidden, notFound } from '../../web/errors.ts'
import { parseForm } from '../../web/form-schema.ts'
import { errorSummary, pageNumber, pagination, text } from '../../web/forms.ts'
import { requireSignIn, signedInActor } from '../../web/session.ts'
import { accessPaths } from './access.paths.ts'
import {
  editUserForm,
  editUserMessages,
  inviteUserForm,
  inviteUserMessages,
  organisationForm,
  organisationMessages,
} from './admin.forms.ts'
import { formFields } from './form-fields.ts'
import type { OrganisationService } from './organisations.service.ts'
import type { UserService } from './users.service.ts'

const pageSize = 25
const admin = accessPaths.admin

function roleItems(roles: readonly Role[], selected: string) {
  return roles.map((r) => ({ value: r, text: roleNames[r], checked: r === selected }))
}

export async function adminRoutes(
  app: FastifyInstance,
  options: { users: UserService; organisations: OrganisationService },
) {
  const { users, organisations } = options
  app.addHook('preHandler', requireSignIn)

  // ---- Users
  app.get(admin.users.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const query = request.query as Record<string, unknown>
    const search = text(query.search).trim()
    const page = pageNumber(query.page)
    const result = await users.listUsers(actor, { search, page, pageSize })
    if (!result) throw forbidden()
    return reply.render('access/views/users.njk', {
      pageTitle: 'Users',
      search,
      users: result.users,
      pagination: pagination(admin.users.build(), { search }, page, pageSize, result.total),
    })
  })

  async function renderInvite(
    actorRequest: Parameters<typeof signedInActor>[0],
    values: Record<string, string>,
    errors?: Record<string, string>,
  ) {
    const actor = signedInActor(actorRequest)
    const organisationsForInvite = await users.organisationsForInvite(actor)
    const roles = values.organisationId ? await users.rolesFor(actor, values.organisationId) : []
    return {
      pageTitle: 'Invite a user',
      values,
      organisations: organisationsForInvite.map((o) => ({
        value: o.id,
        text: `${o.name} (${organisationKindNames[o.kind as keyof typeof organisationKindNames] ?? o.kind})`,
        selected: o.id === values.organisationId,
      })),
      roles,
      roleItems: roleItems(roles, values.role ?? ''),
      errors,
      errorList: errors
        ? errorSummary(errors, ['email', 'displayName', 'organisationId', 'role'])
        : undefined,
    }
  }

  app.get(admin.inviteUser.pattern, async (request, reply) => {
    if (!can(signedInActor(request), 'users:manage')) throw forbidden()
    const query = request.query as Record<string, unknown>
    return reply.render(
      'access/views/invite-user.njk',
      await renderInvite(request, { organisationId: text(query.organisationId) }),
    )
  })

  app.post(admin.inviteUser.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    if (!can(actor, 'users:manage')) throw forbidden()
    const { step, ...values } = formFields(parseForm(inviteUserForm, request.body, inviteUserMessages))
    // Choosing the organisation first (without JavaScript) shows the roles it allows.
    if (step === 'organisation') {
      const problem = await users.organisationProblem(actor, values.organisationId)
      if (problem) {
        const errors = { organisationId: problem }
        return reply
          .code(400)
          .render('access/views/invite-user.njk', await renderInvite(request, values, errors))
      }
      return reply.render('access/views/invite-user.njk', await renderInvite(request, values))
    }
    const result = await users.inviteUser(actor, values)
    if (!result.ok)
      return reply
        .code(400)
        .render('access/views/invite-user.njk', await renderInvite(request, values, result.errors))
    if (!result.value.userId) return reply.redirect(admin.invitationSent.build())
    return reply.redirect(`${admin.user.build(result.value.userId)}?invited=1`)
  })

  // The outcome of an invitation whose address already had an account elsewhere (see existing-account.ts).
  app.get(admin.invitationSent.pattern, async (request, reply) => {
    if (!can(signedInActor(request), 'users:manage')) throw forbidden()
    return reply.render('access/views/invitation-sent.njk', { pageTitle: 'Invitation sent' })
  })

  app.get<{ Params: { id: string } }>(admin.user.pattern, async (request, reply) => {
    const user = await users.getUser(signedInActor(request), request.params.id)
    if (!user) throw notFound()
    return reply.render('access/views/user.njk', { pageTitle: user.displayName, user, flash: request.query })
  })

  app.get<{ Params: { id: string } }>(admin.editUser.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const user = await users.getUser(actor, request.params.id)
    if (!user) throw notFound()
    const roles = await users.rolesFor(actor, user.organisationId)
    return reply.render('access/views/edit-user.njk', {
      pageTitle: `Change ${user.displayName}`,
      user,
      roleItems: roleItems(roles, user.role),
      values: { role: user.role, displayName: user.displayName },
    })
  })

  app.post<{ Params: { id: string } }>(admin.editUser.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const values = formFields(parseForm(editUserForm, request.body, editUserMessages))
    const result = await users.changeRole(actor, request.params.id, values)
    if (!result) throw notFound()
    if (!result.ok) {
      const user = (await users.getUser(actor, request.params.id))!
      const roles = await users.rolesFor(actor, user.organisationId)
      return reply.code(400).render('access/views/edit-user.njk', {
        pageTitle: `Change ${user.displayName}`,
        user,
        roleItems: roleItems(roles, values.role),
        values,
        errors: result.errors,
        errorList: errorSummary(result.errors, ['displayName', 'role']),
      })
    }
    return reply.redirect(`${admin.user.build(request.params.id)}?updated=1`)
  })

  // Buttons with no fields but the CSRF token.
  for (const [path, action] of [
    [admin.disableUser, 'disable'],
    [admin.enableUser, 'enable'],
    [admin.unlockUser, 'unlock'],
  ] as const) {
    app.post<{ Params: { id: string } }>(path.pattern, async (request, reply) => {
      const done = await users.changeStatus(signedInActor(request), request.params.id, action)
      if (!done) throw notFound()
      return reply.redirect(`${admin.user.build(request.params.id)}?${action}d=1`)
    })
  }

  app.post<{ Params: { id: string } }>(admin.resetTwoStep.pattern, async (request, reply) => {
    const done = await users.resetTwoStep(signedInActor(request), request.params.id)
    if (!done) throw notFound()
    return reply.redirect(`${admin.user.build(request.params.id)}?twoStepReset=1`)
  })

  app.post<{ Params: { id: string } }>(admin.resendInvitation.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const done = await users.resendInvitation(actor, request.params.id)
    if (!done) throw notFound()
    if (!done.ok) {
      // A page opened before the organisation turned password sign-in off: it says why, and no button.
      const user = (await users.getUser(actor, request.params.id))!
      return reply.code(400).render('access/views/user.njk', {
        pageTitle: user.displayName,
        user,
        flash: {},
        errors: done.errors,
        errorList: Object.values(done.errors).map((text) => ({ text, href: '#invitation' })),
      })
    }
    return reply.redirect(`${admin.user.build(request.params.id)}?invited=1`)
  })

  // ---- Organisations
  app.get(admin.organisations.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const query = request.query as Record<string, unknown>
    const search = text(query.search).trim()
    const page = pageNumber(query.page)
    const result = await organisations.listOrganisations(actor, { search, page, pageSize })
    if (!result) throw forbidden()
    return reply.render('access/views/organisations.njk', {
      pageTitle: 'Organisations',
      search,
      organisations: result.organisations,
      kindNames: organisationKindNames,
      canCreate: organisations.creatableKinds(actor).length > 0,
      pagination: pagination(admin.organisations.build(), { search }, page, pageSize, result.total),
    })
  })

  function organisationFormView(
    actor: ReturnType<typeof signedInActor>,
    values: Record<string, string>,
    errors?: Record<string, string>,
  ) {
    return {
      values,
      kinds: organisations
        .creatableKinds(actor)
        .map((k) => ({ value: k, text: organisationKindNames[k], checked: values.kind === k })),
      errors,
      errorList: errors ? errorSummary(errors, ['name', 'kind', 'onsCode', 'odsCode']) : undefined,
    }
  }

  app.get(admin.newOrganisation.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    if (!organisations.creatableKinds(actor).length) throw forbidden()
    return reply.render('access/views/organisation-form.njk', {
      pageTitle: 'Add an organisation',
      isNew: true,
      ...organisationFormView(actor, {}),
    })
  })

  app.post(admin.newOrganisation.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    if (!organisations.creatableKinds(actor).length) throw forbidden()
    const values = formFields(parseForm(organisationForm, request.body, organisationMessages))
    const result = await organisations.createOrganisation(actor, values)
    if (!result.ok) {
      return reply.code(400).render('access/views/organisation-form.njk', {
        pageTitle: 'Add an organisation',
        isNew: true,
        ...organisationFormView(actor, values, result.errors),
      })
    }
    return reply.redirect(admin.organisation.build(result.value.id))
  })

  app.get<{ Params: { id: string } }>(admin.organisation.pattern, async (request, reply) => {
    const found = await organisations.getOrganisation(signedInActor(request), request.params.id)
    if (!found) throw notFound()
    return reply.render('access/views/organisation.njk', {
      pageTitle: found.organisation.name,
      ...found,
      kindNames: organisationKindNames,
    })
  })

  app.get<{ Params: { id: string } }>(admin.editOrganisation.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const found = await organisations.getOrganisation(actor, request.params.id)
    if (!found) throw notFound()
    const o = found.organisation
    return reply.render('access/views/organisation-form.njk', {
      pageTitle: `Change ${o.name}`,
      organisation: o,
      kindName: organisationKindNames[o.kind as keyof typeof organisationKindNames],
      ...organisationFormView(actor, {
        name: o.name,
        kind: o.kind,
        onsCode: o.onsCode ?? '',
        odsCode: o.odsCode ?? '',
      }),
    })
  })

  app.post<{ Params: { id: string } }>(admin.editOrganisation.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    // An organisation's type is fixed once it is added.
    const values = {
      ...formFields(parseForm(organisationForm, request.body, organisationMessages)),
      kind: '',
    }
    const result = await organisations.updateOrganisation(actor, request.params.id, values)
    if (!result) throw notFound()
    if (!result.ok) {
      const found = (await organisations.getOrganisation(actor, request.params.id))!
      return reply.code(400).render('access/views/organisation-form.njk', {
        pageTitle: `Change ${found.organisation.name}`,
        organisation: found.organisation,
        kindName: organisationKindNames[found.organisation.kind as keyof typeof organisationKindNames],
        ...organisationFormView(actor, values, result.errors),
      })
    }
    return reply.redirect(admin.organisation.build(request.params.id))
  })
}
