import { describe, expect, it } from 'vitest'
import { audienceFrom, audienceInWords, everyone } from './audience.ts'

describe('a bulletin audience', () => {
  it('is everyone when nothing is chosen', () => {
    expect(audienceFrom({})).toEqual(everyone)
    expect(audienceInWords(everyone)).toBe('All providers')
  })

  it('keeps only known choices', () => {
    const audience = audienceFrom({
      serviceTypes: ['home_care', 'spaceship'],
      areas: 'North',
      contracted: 'yes',
      inArea: 'sideways',
      situation: 'red',
      listId: 'not-a-uuid',
    })
    expect(audience).toEqual({
      serviceTypes: ['home_care'],
      areas: ['North'],
      contracted: 'yes',
      inArea: '',
      situation: 'red',
      listId: '',
    })
    expect(audienceInWords(audience)).toBe(
      'Providers: home care agency, in the North area, contracted, rated red today',
    )
  })

  // Found by fuzzing (issue 26): a long area of emoji was cut inside one, and saving it answered 500.
  it('cuts a long area by whole characters, leaving no half of an emoji', () => {
    const [area] = audienceFrom({ areas: '🏥 '.repeat(80) }).areas
    expect(Array.from(area!)).toHaveLength(100)
    expect(/\p{Cs}/u.test(area!)).toBe(false)
  })
})
