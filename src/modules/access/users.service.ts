import type { Actor } from '../../domain/policy.ts'
import { type InviteInput, inviteUser, organisationProblem, resendInvitation } from './invitations.ts'
import type { TokenPurpose } from './one-time-tokens.ts'
import { checkToken, requestPasswordReset, setPasswordWithToken } from './passwords.ts'
import { inviteToProvider, mayInviteToProvider } from './provider-invitations.ts'
import { changeRole, changeStatus, resetTwoStep } from './user-changes.ts'
import {
  type CommandUserInput,
  createUserByCommand,
  resetPasswordByCommand,
  resetTwoStepByCommand,
} from './user-commands.ts'
import { getUser, listUsers, organisationsForInvite, rolesFor, type UserDeps } from './user-reads.ts'

export type { InviteInput } from './invitations.ts'
export type { CommandUserInput } from './user-commands.ts'
export type { UserDeps } from './user-reads.ts'

// Users and their accounts: the admin's pages, invitations, passwords, and the carehub command's
// `user create` and `user reset-password`. Each use case is a plain function in a file by purpose.
export function createUserService(deps: UserDeps) {
  return {
    listUsers: (actor: Actor, filter: { search?: string; page: number; pageSize: number }) =>
      listUsers(deps, actor, filter),
    getUser: (actor: Actor, userId: string) => getUser(deps, actor, userId),
    organisationsForInvite: (actor: Actor) => organisationsForInvite(deps, actor),
    rolesFor: (actor: Actor, organisationId: string) => rolesFor(deps, actor, organisationId),
    // The organisation field's error when the invitation form's "Continue" is pressed, or null.
    organisationProblem: (actor: Actor, organisationId: string) =>
      organisationProblem(deps, actor, organisationId),
    inviteUser: (actor: Actor, input: InviteInput) => inviteUser(deps, actor, input),
    resendInvitation: (actor: Actor, userId: string) => resendInvitation(deps, actor, userId),
    mayInviteToProvider: (actor: Actor, providerId: string) => mayInviteToProvider(deps, actor, providerId),
    inviteToProvider: (
      actor: Actor,
      providerId: string,
      input: { email: string; displayName: string; approver: boolean },
    ) => inviteToProvider(deps, actor, providerId, input),
    changeStatus: (actor: Actor, userId: string, change: 'disable' | 'enable' | 'unlock') =>
      changeStatus(deps, actor, userId, change),
    changeRole: (actor: Actor, userId: string, input: { role: string; displayName: string }) =>
      changeRole(deps, actor, userId, input),
    resetTwoStep: (actor: Actor, userId: string) => resetTwoStep(deps, actor, userId),
    requestPasswordReset: (email: string) => requestPasswordReset(deps, email),
    checkToken: (token: string, purpose: TokenPurpose) => checkToken(deps, token, purpose),
    setPasswordWithToken: (token: string, purpose: TokenPurpose, password: string, confirmation: string) =>
      setPasswordWithToken(deps, token, purpose, password, confirmation),
    createUserByCommand: (input: CommandUserInput) => createUserByCommand(deps, input),
    resetPasswordByCommand: (email: string) => resetPasswordByCommand(deps, email),
    resetTwoStepByCommand: (email: string) => resetTwoStepByCommand(deps, email),
  }
}

export type UserService = ReturnType<typeof createUserService>
