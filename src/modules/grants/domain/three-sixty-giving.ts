import { poundsNumber } from './money.ts'

// The grants of a round as a 360Giving Data Standard package (JSON): each grant with the fields the
// standard requires (id, title, description, currency, amountAwarded, awardDate, recipientOrganization,
// fundingOrganization, each organisation with id and name), identifiers in the standard's forms
// (GB-LAE- for an English council, GB-COH- for a company, GB-CHC- for a charity, else the publisher's
// own 360G- prefix), and each recorded payment as a disbursement. Pure.

export type OpenDataRound = {
  id: string
  name: string
  funderId: string
  funderName: string
  roundDate: string
  measuresAllowed: readonly string[]
}

export type OpenDataGrant = {
  allocationId: string
  locationName: string
  providerName: string
  cqcProviderId: string | null
  companyNumber: string | null
  charityNumber: string | null
  postcode: string | null
  amountPence: bigint
  acceptedOn: string
  payments: { id: string; paidOn: string; amountPence: bigint }[]
}

export const grantIdPrefix = '360G-carehub'

export function recipientId(
  g: Pick<OpenDataGrant, 'companyNumber' | 'charityNumber' | 'cqcProviderId'>,
  roundId: string,
) {
  if (g.companyNumber) return `GB-COH-${g.companyNumber.trim().toUpperCase()}`
  if (g.charityNumber) return `GB-CHC-${g.charityNumber.trim()}`
  return `${grantIdPrefix}-provider-${g.cqcProviderId ?? roundId}`
}

export function threeSixtyGivingPackage(round: OpenDataRound, grants: readonly OpenDataGrant[]) {
  const funder = { id: round.funderId, name: round.funderName }
  return {
    grants: grants.map((g) => {
      const disbursed = g.payments.reduce((sum, p) => sum + p.amountPence, 0n)
      return {
        id: `${grantIdPrefix}-${g.allocationId}`,
        title: `${round.name}: ${g.locationName}`,
        description: `A grant to ${g.locationName} (${g.providerName}) from ${round.name}, to be spent on: ${round.measuresAllowed.join('; ')}.`,
        currency: 'GBP',
        amountAwarded: poundsNumber(g.amountPence),
        amountDisbursed: poundsNumber(disbursed),
        awardDate: g.acceptedOn,
        recipientOrganization: [
          {
            id: recipientId(g, round.id),
            name: g.providerName,
            ...(g.companyNumber ? { companyNumber: g.companyNumber } : {}),
            ...(g.charityNumber ? { charityNumber: g.charityNumber } : {}),
            ...(g.postcode ? { postalCode: g.postcode } : {}),
          },
        ],
        fundingOrganization: [funder],
        grantProgramme: [{ code: round.id, title: round.name }],
        disbursementTransaction: g.payments.map((p) => ({
          id: `${grantIdPrefix}-payment-${p.id}`,
          transactionDate: p.paidOn,
          currency: 'GBP',
          value: poundsNumber(p.amountPence),
        })),
      }
    }),
  }
}
