import { describe, expect, it } from 'vitest'
import { importViolations, resolveImport } from './import-rules.ts'

describe('import rules', () => {
  it('refuses a capability reaching into another capability’s insides', () => {
    const violations = importViolations([
      { from: 'src/modules/dashboards/dashboard.routes.ts', to: 'src/modules/returns/returns.service.ts' },
    ])
    expect(violations).toEqual([
      expect.objectContaining({ rule: "another capability's insides: import src/modules/returns/index.ts" }),
    ])
  })

  it('lets a capability use another through its index.ts, and its own files freely', () => {
    expect(
      importViolations([
        { from: 'src/modules/dashboards/dashboard.routes.ts', to: 'src/modules/returns/index.ts' },
        { from: 'src/modules/returns/returns.routes.ts', to: 'src/modules/returns/returns.service.ts' },
        { from: 'src/modules/returns/domain/periods.ts', to: 'src/domain/dates.ts' },
        { from: 'src/app.ts', to: 'src/modules.ts' },
      ]),
    ).toEqual([])
  })

  it('refuses the domain importing anything outside it', () => {
    const violations = importViolations([
      { from: 'src/domain/policy.ts', to: 'src/db/database.ts' },
      { from: 'src/domain/dates.ts', to: 'src/modules/returns/index.ts' },
      { from: 'src/domain/roles.ts', to: 'src/domain/service-types.ts' },
    ])
    expect(violations.map((v) => [v.from, v.rule])).toEqual([
      ['src/domain/policy.ts', 'src/domain imports only src/domain'],
      ['src/domain/dates.ts', 'src/domain imports only src/domain'],
    ])
  })

  it('refuses web/ importing a capability, even through its index.ts', () => {
    const violations = importViolations([
      { from: 'src/web/navigation.ts', to: 'src/modules/dashboards/index.ts' },
      { from: 'src/web/session.ts', to: 'src/domain/policy.ts' },
    ])
    expect(violations).toEqual([
      expect.objectContaining({ from: 'src/web/navigation.ts', rule: 'src/web imports no capability' }),
    ])
  })

  it('resolves relative imports against the importing file, and ignores packages', () => {
    expect(resolveImport('src/modules/returns/returns.routes.ts', '../../web/paths.ts')).toBe(
      'src/web/paths.ts',
    )
    expect(resolveImport('src/modules/returns/returns.routes.ts', './domain/periods.ts')).toBe(
      'src/modules/returns/domain/periods.ts',
    )
    expect(resolveImport('src/app.ts', 'fastify')).toBeNull()
  })
})
