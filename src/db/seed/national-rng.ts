// A small, fast, seeded PRNG (sfc32): millions of returns need millions of draws, and faker's
// general-purpose generators cost more per draw than the rest of a row.

export type Rng = {
  next: () => number // [0, 1)
  int: (min: number, max: number) => number // inclusive
  chance: (p: number) => boolean
  pick: <T>(items: readonly T[]) => T
  uuid: () => string
}

export function createRng(seed: number): Rng {
  let a = 0x9e3779b9
  let b = 0x243f6a88
  let c = 0xb7e15162
  let d = seed >>> 0
  const u32 = () => {
    const t = (((a + b) | 0) + d) | 0
    d = (d + 1) | 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) | 0
    c = (c << 21) | (c >>> 11)
    c = (c + t) | 0
    return t >>> 0
  }
  for (let i = 0; i < 15; i++) u32()
  const next = () => u32() / 4294967296
  const hex = (n: number) => n.toString(16).padStart(8, '0')
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    pick: (items) => items[Math.floor(next() * items.length)]!,
    uuid: () => {
      const h = hex(u32()) + hex(u32()) + hex(u32()) + hex(u32())
      // Version 4, RFC 4122 variant: indistinguishable in form from gen_random_uuid().
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((Number.parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`
    },
  }
}
