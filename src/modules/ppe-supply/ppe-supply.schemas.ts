import { z } from 'zod'
import type { Outcome } from '../../domain/outcome.ts'
import { type FormMessages, formText, parseForm } from '../../web/form-schema.ts'

// PPE supply's forms as posted. What makes an answer valid (the council's items, the stock in the
// store, what was asked for, the dispatch time) is the domain's and the services' rule, which words
// every message naming the field; these schemas take each field as text. Fields named per item
// (`quantity-<item>`, `cover-<item>`, `approve-<item>`) are taken as text too.

type Fields = Record<string, string>
const asFields = (o: Outcome<Record<string, unknown>>): Outcome<Fields> =>
  o.ok
    ? {
        ok: true,
        value: Object.fromEntries(
          Object.entries(o.value).map(([k, v]) => [
            k,
            typeof v === 'string' ? v : Array.isArray(v) ? String(v[0] ?? '') : '',
          ]),
        ),
      }
    : o

const moveFields = z.object({
  itemId: formText(),
  quantity: formText(),
  counted: formText(),
  source: formText(),
  supplier: formText(),
  cost: formText(),
  invoiceReference: formText(),
  'expiresOn-day': formText(),
  'expiresOn-month': formText(),
  'expiresOn-year': formText(),
  toStoreId: formText(),
  reason: formText(),
})
const moveMessages: FormMessages<typeof moveFields> = {
  itemId: 'Select an item',
  quantity: 'Enter the quantity',
  counted: 'Enter the quantity counted',
  source: 'Select where the stock came from',
  supplier: 'Enter the supplier',
  cost: 'Enter the cost',
  invoiceReference: 'Enter the invoice reference',
  'expiresOn-day': 'Enter the expiry date',
  'expiresOn-month': 'Enter the expiry date',
  'expiresOn-year': 'Enter the expiry date',
  toStoreId: 'Select the store it goes to',
  reason: 'Enter the reason',
}
export const moveFormFrom = (body: unknown) => asFields(parseForm(moveFields, body, moveMessages))

const itemFields = z.object({
  name: formText(),
  unit: formText(),
  packSize: formText(),
  price: formText(),
  'effectiveFrom-day': formText(),
  'effectiveFrom-month': formText(),
  'effectiveFrom-year': formText(),
})
const itemMessages: FormMessages<typeof itemFields> = {
  name: 'Enter the name of the item',
  unit: 'Enter the unit, like glove or mask',
  packSize: 'Enter the pack size',
  price: 'Enter the price per unit',
  'effectiveFrom-day': 'Enter the date the price starts',
  'effectiveFrom-month': 'Enter the date the price starts',
  'effectiveFrom-year': 'Enter the date the price starts',
}
export const itemFormFrom = (body: unknown) => asFields(parseForm(itemFields, body, itemMessages))

const storeFields = z.object({ name: formText(), kind: formText(), address: formText() })
const storeMessages: FormMessages<typeof storeFields> = {
  name: 'Enter the name of the store',
  kind: 'Select the kind of store',
  address: 'Enter the address of the store',
}
export const storeFormFrom = (body: unknown) => asFields(parseForm(storeFields, body, storeMessages))

const priceFields = z.object({
  price: formText(),
  'effectiveFrom-day': formText(),
  'effectiveFrom-month': formText(),
  'effectiveFrom-year': formText(),
})
const priceMessages: FormMessages<typeof priceFields> = {
  price: 'Enter the price per unit',
  'effectiveFrom-day': 'Enter the date the price starts',
  'effectiveFrom-month': 'Enter the date the price starts',
  'effectiveFrom-year': 'Enter the date the price starts',
}
export const priceFormFrom = (body: unknown) => asFields(parseForm(priceFields, body, priceMessages))

const thresholdFields = z.object({ itemId: formText(), threshold: formText() })
const thresholdMessages: FormMessages<typeof thresholdFields> = {
  itemId: 'Select an item',
  threshold: 'Enter the low-stock threshold',
}
export const thresholdFormFrom = (body: unknown) =>
  asFields(parseForm(thresholdFields, body, thresholdMessages))

const chargingFields = z.object({
  form: formText(),
  'effectiveFrom-day': formText(),
  'effectiveFrom-month': formText(),
  'effectiveFrom-year': formText(),
  itemId: formText(),
  route: formText(),
  charge: formText(),
  note: formText(),
  'recoveryFrom-day': formText(),
  'recoveryFrom-month': formText(),
  'recoveryFrom-year': formText(),
  paused: formText(),
  recoveryNote: formText(),
})
const ruleDate = 'Enter the date the rule starts'
const recoveryDate = 'Enter the date it takes effect'
const chargingMessages: FormMessages<typeof chargingFields> = {
  form: 'Choose a form',
  'effectiveFrom-day': ruleDate,
  'effectiveFrom-month': ruleDate,
  'effectiveFrom-year': ruleDate,
  itemId: 'Select an item, or every item',
  route: 'Select a route, or every route',
  charge: 'Select free or chargeable',
  note: 'Enter a note',
  'recoveryFrom-day': recoveryDate,
  'recoveryFrom-month': recoveryDate,
  'recoveryFrom-year': recoveryDate,
  paused: 'Select pause or resume recovery',
  recoveryNote: 'Enter a note',
}
export const chargingFormFrom = (body: unknown) => asFields(parseForm(chargingFields, body, chargingMessages))

// A request: the location, per item a quantity and days of cover, cases, outbreak, notes, action.
const requestFields = z
  .object({
    locationId: formText(),
    hasCases: formText(),
    outbreak: formText(),
    notes: formText(),
    action: formText(),
  })
  .catchall(formText())
const requestMessages: FormMessages<typeof requestFields> = {
  locationId: 'Select the location the PPE is for',
  hasCases: 'Select whether you have cases of COVID-19',
  outbreak: 'Select whether you have an outbreak',
  notes: 'Enter notes',
  action: 'Choose whether to check, change or send the request',
}
export const requestFormFrom = (body: unknown) => asFields(parseForm(requestFields, body, requestMessages))

// A decision: approve (with a quantity per item, `approve-<item>`) or decline with a reason.
const decisionFields = z.object({ decision: formText(), declineReason: formText() }).catchall(formText())
const decisionMessages: FormMessages<typeof decisionFields> = {
  decision: 'Select whether to approve or decline the request',
  declineReason: 'Enter why the request is declined',
}
export const decisionFormFrom = (body: unknown) => asFields(parseForm(decisionFields, body, decisionMessages))

const pickFields = z.object({ storeId: formText() })
export const pickFormFrom = (body: unknown) =>
  asFields(parseForm(pickFields, body, { storeId: 'Select the store the PPE is picked from' }))

const deliveryFields = z.object({
  receivedBy: formText(),
  'deliveredDate-day': formText(),
  'deliveredDate-month': formText(),
  'deliveredDate-year': formText(),
  deliveredTime: formText(),
})
const deliveredWhen = 'Enter the date and time of delivery'
const deliveryMessages: FormMessages<typeof deliveryFields> = {
  receivedBy: 'Enter the name of the person who received the delivery',
  'deliveredDate-day': deliveredWhen,
  'deliveredDate-month': deliveredWhen,
  'deliveredDate-year': deliveredWhen,
  deliveredTime: deliveredWhen,
}
export const deliveryFormFrom = (body: unknown) => asFields(parseForm(deliveryFields, body, deliveryMessages))
