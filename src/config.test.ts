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
})
