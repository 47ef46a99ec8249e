import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig, shouldLoadDemo } from './config.ts'

describe('config', () => {
  it('runs on the embedded database with the demo by default', () => {
    const config = loadConfig({})
    expect(config.databaseUrl).toBeUndefined()
    expect(shouldLoadDemo(config)).toBe(true)
  })

  it('never loads the demo on PostgreSQL unless asked', () => {
    expect(shouldLoadDemo(loadConfig({ DATABASE_URL: 'postgres://x@localhost/db' }))).toBe(false)
    expect(shouldLoadDemo(loadConfig({ DATABASE_URL: 'postgres://x@localhost/db', DEMO: 'on' }))).toBe(true)
  })

  it('fails fast on bad or missing production settings', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError)
    expect(() => loadConfig({ MAIL_TRANSPORT: 'smtp' })).toThrow(/SMTP_URL/)
    expect(() =>
      loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://x@h/d', BASE_URL: 'https://a.example' }),
    ).toThrow(/COOKIE_SECRET/)
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/BASE_URL/)
  })

  it('reads one organisation’s single sign-on from SSO_*, all or none', () => {
    expect(loadConfig({}).singleSignOn).toBeNull()
    const sso = {
      SSO_ORGANISATION_ONS_CODE: 'E10000014',
      SSO_ISSUER: 'https://login.microsoftonline.com/tenant/v2.0',
      SSO_CLIENT_ID: 'client',
      SSO_CLIENT_SECRET: 'secret',
      SSO_GROUP_ROLES: 'carehub-admins=admin,carehub-officers=council_officer',
      SSO_PASSWORD_SIGN_IN: 'off',
    }
    expect(loadConfig(sso).singleSignOn).toMatchObject({
      organisation: { onsCode: 'E10000014' },
      groupsClaim: 'groups',
      passwordSignInOff: true,
    })
    expect(() => loadConfig({ ...sso, SSO_CLIENT_SECRET: undefined })).toThrow(/SSO_CLIENT_SECRET/)
    expect(() => loadConfig({ ...sso, SSO_GROUP_ROLES: 'admins' })).toThrow(/SSO_GROUP_ROLES/)
  })
})
