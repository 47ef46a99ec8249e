export type {
  CommissionedPackageTable,
  DeliveredHoursTable,
  PaymentImportTable,
  PaymentLineTable,
  PaymentRunTable,
  PaymentSchemeTable,
  SupportWordingTable,
  VoidBedTable,
} from './payments.tables.ts'
