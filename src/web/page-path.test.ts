import { describe, expect, it } from 'vitest'
import { linkBuilders, pagePath, pagePathWith, patternsOf } from './page-path.ts'

describe('page paths', () => {
  it('builds a link from the pattern, its parameters in order and encoded', () => {
    const path = pagePath('/cases/:id/actions/:actionId/done')
    expect(path.pattern).toBe('/cases/:id/actions/:actionId/done')
    expect(path.build('c-1', 'a/2')).toBe('/cases/c-1/actions/a%2F2/done')
  })

  it('turns a tree of definitions into the builders templates call, and lists every pattern', () => {
    const tree = {
      location: pagePath('/locations/:id'),
      admin: { users: pagePath('/admin/users') },
      worklist: pagePathWith('/worklist', (show?: string) => (show ? `/worklist?show=${show}` : '/worklist')),
    }
    const paths = linkBuilders(tree)
    expect(paths.location('x')).toBe('/locations/x')
    expect(paths.admin.users()).toBe('/admin/users')
    expect(paths.worklist('mine')).toBe('/worklist?show=mine')
    expect(patternsOf(tree)).toEqual(['/locations/:id', '/admin/users', '/worklist'])
  })
})
