import { describe, expect, it } from 'vitest'
import { errorSummary, localReturnPath, pageNumber, pagination, withQuery } from './forms.ts'

describe('forms', () => {
  it('orders the error summary as the fields appear', () => {
    expect(errorSummary({ role: 'Select a role', email: 'Enter an e-mail' }, ['email', 'role'])).toEqual([
      { text: 'Enter an e-mail', href: '#email' },
      { text: 'Select a role', href: '#role' },
    ])
  })

  it('returns only to a path on this site', () => {
    expect(localReturnPath('/cases/abc')).toBe('/cases/abc')
    expect(localReturnPath('/worklist?show=mine#follow-ups')).toBe('/worklist?show=mine#follow-ups')
    for (const bad of [
      '//evil.example/x',
      '/\\evil.example',
      'https://evil.example/',
      'cases/1',
      '',
      null,
      3,
      '/a b',
      '/x\nLocation: y',
      `/${'a'.repeat(600)}`,
    ])
      expect(localReturnPath(bad), String(bad)).toBeNull()
    expect(localReturnPath('/../../etc/passwd')).toBe('/etc/passwd')
    expect(withQuery('/cases/1#contacts', 'contactLogged', '1')).toBe('/cases/1?contactLogged=1#contacts')
    expect(withQuery('/worklist?show=mine', 'done', '1')).toBe('/worklist?show=mine&done=1')
  })

  it('reads page numbers defensively', () => {
    expect(['2', '0', '-1', 'abc', '', '999999999'].map(pageNumber)).toEqual([2, 1, 1, 1, 1, 1])
  })

  it('paginates with ellipses and keeps filters on each link', () => {
    const p = pagination('/locations', { search: 'oak', area: '' }, 5, 50, 800)
    expect(p.from).toBe(201)
    expect(p.to).toBe(250)
    expect(p.previous?.href).toBe('/locations?search=oak&page=4')
    expect(p.items.map((i) => ('ellipsis' in i ? '…' : i.number))).toEqual([1, '…', 4, 5, 6, '…', 16])
    expect(pagination('/x', {}, 1, 50, 0)).toMatchObject({ from: 0, to: 0, items: [{ number: 1 }] })
  })
})
