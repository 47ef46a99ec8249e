import { describe, expect, it } from 'vitest'
import { flashFrom } from './flash.ts'

describe('flashFrom', () => {
  it('keeps the counts, numbers and ids that CareHub’s own redirects send', () => {
    const id = '0190f3a2-7c1e-7b2a-9d4e-1a2b3c4d5e6f'
    expect(flashFrom({ paid: '12', areaChanged: '2', actionChanged: '2.3', chaseError: id })).toEqual({
      paid: '12',
      areaChanged: '2',
      actionChanged: '2.3',
      chaseError: id,
    })
  })

  it('drops words, markup and repeated keys a crafted link could put in a banner', () => {
    expect(
      flashFrom({
        areaAdded: '2 added. Your account is locked: ring 0800 000 000',
        imported: '<b>9</b>',
        assigned: ['1', '2'],
        paid: '',
        chaseError: 'note-1" onfocus="x',
      }),
    ).toEqual({})
    expect(flashFrom(undefined)).toEqual({})
    expect(flashFrom('areaAdded=1')).toEqual({})
  })
})
