import { describe, expect, it } from 'vitest'
import { parseForm } from '../../web/form-schema.ts'
import { inviteUserForm, inviteUserMessages } from './admin.forms.ts'
import { setPasswordForm, setPasswordMessages, signInForm, signInMessages } from './sign-in.forms.ts'

describe('access’s forms', () => {
  it('asks for both the e-mail address and the password, in GOV.UK words', () => {
    expect(parseForm(signInForm, { email: '  ', password: '' }, signInMessages)).toEqual({
      ok: false,
      errors: { email: 'Enter your e-mail address', password: 'Enter your password' },
    })
  })

  it('keeps a password exactly as typed, spaces and all, and the return path as sent', () => {
    expect(
      parseForm(
        signInForm,
        { email: ' ann@example.org ', password: '  spaced passphrase ', returnTo: '/locations?x=1' },
        signInMessages,
      ),
    ).toEqual({
      ok: true,
      value: { email: 'ann@example.org', password: '  spaced passphrase ', returnTo: '/locations?x=1' },
    })
    expect(
      parseForm(setPasswordForm, { password: ' a b ', confirmPassword: [' a b ', 'x'] }, setPasswordMessages),
    ).toEqual({ ok: true, value: { password: ' a b ', confirmPassword: ' a b ' } })
  })

  it('gives every field of a shaped form as one string, whatever is sent', () => {
    expect(parseForm(inviteUserForm, { email: ['a@b.org', 'c@d.org'], role: 7 }, inviteUserMessages)).toEqual(
      {
        ok: true,
        value: { email: 'a@b.org', displayName: '', organisationId: '', role: '', step: '' },
      },
    )
  })
})
