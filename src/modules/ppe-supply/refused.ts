// An expected refusal inside a transaction: thrown to roll it back, caught and answered as errors.
export class Refused extends Error {
  constructor(readonly errors: Record<string, string>) {
    super('refused')
  }
}
