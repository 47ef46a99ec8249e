import type { Generated, Insertable, Selectable, Updateable } from 'kysely'
import type {
  OneTimeTokenTable,
  OrganisationTable,
  PartnerCouncilTable,
  SessionTable,
  TwoStepRecoveryCodeTable,
  UserTable,
} from '../modules/access/index.ts'
import type { PlanActionTable, PlanActionUpdateTable, PlanAreaTable } from '../modules/action-plan/index.ts'
import type { ApiTokenTable, IdempotencyKeyTable } from '../modules/api/index.ts'
import type { AuditEventTable } from '../modules/audit/index.ts'
import type {
  BulletinAttachmentTable,
  BulletinListTable,
  BulletinRecipientTable,
  BulletinTable,
  DigestPreferenceTable,
  LetterIssueTable,
  LetterTemplateTable,
} from '../modules/bulletins/index.ts'
import type {
  AlertNotificationTable,
  CaseActionTable,
  CaseEventTable,
  CaseStatus,
  CaseTable,
} from '../modules/casework/index.ts'
import type { OutboxMessageTable } from '../modules/comms/index.ts'
import type {
  ContactCategory,
  ContactLogAlertTable,
  ContactLogEntryTable,
} from '../modules/contact-log/index.ts'
import type {
  DashboardCouncilDailyTable,
  DashboardDailyTable,
  DashboardNationalDailyTable,
} from '../modules/dashboards/index.ts'
import type {
  CouncilContractTable,
  CqcImportTable,
  ImportCounts,
  LocationBedHistoryTable,
  LocationContactTable,
  LocationStatusEventTable,
  LocationTable,
  ProviderTable,
} from '../modules/directory/index.ts'
import type {
  AlertEventTable,
  AlertSource,
  AlertTable,
  LocationRiskTable,
  Rag,
  ReturnRiskFiguresTable,
  RiskRuleVersionTable,
  SettingTable,
  Severity,
} from '../modules/early-warning/index.ts'
import type {
  StaffingBudgetTable,
  StaffingDeploymentTable,
  StaffingPoolAvailabilityTable,
  StaffingPoolCheckTable,
  StaffingPoolPersonTable,
  StaffingRequestShiftTable,
  StaffingRequestTable,
  StaffingTeamMemberTable,
} from '../modules/emergency-staffing/index.ts'
import type {
  EnquiryEventTable,
  EnquiryStatus,
  EnquiryTable,
  FaqEntryTable,
} from '../modules/enquiries/index.ts'
import type {
  GrantAllocationTable,
  GrantPaymentTable,
  GrantPreviewTable,
  GrantRoundTable,
  GrantSpendReturnTable,
  GrantTrancheTable,
} from '../modules/grants/index.ts'
import type {
  IpcChecklistItemTable,
  IpcVisitActionTable,
  IpcVisitFindingTable,
  IpcVisitTable,
} from '../modules/infection-control/index.ts'
import type {
  CommissionedPackageTable,
  DeliveredHoursTable,
  PaymentImportTable,
  PaymentLineTable,
  PaymentRunTable,
  PaymentSchemeTable,
  SupportWordingTable,
  VoidBedTable,
} from '../modules/payments/index.ts'
import type { PpeSupplyTables } from '../modules/ppe-supply/index.ts'
import type {
  LocationResilienceTable,
  ProtectionPlanReviewTable,
  ProtectionPlanTable,
} from '../modules/provider-resilience/index.ts'
import type {
  PublicationChallengeTable,
  PublicationEventTable,
  PublicationTable,
  PublicationVersionTable,
} from '../modules/publishing/index.ts'
import type {
  CareEventQuestionTable,
  CareEventSignupTable,
  CareEventTable,
  ResourceItemTable,
  ResourceVersionTable,
} from '../modules/resource-pack/index.ts'

import type {
  CapacityTrackerImportTable,
  ReturnChaseTable,
  ReturnExceptionTable,
  ReturnReminderTable,
  ReturnTemplateTable,
  SituationReturnTable,
} from '../modules/returns/index.ts'
import type { SingleSignOnTables } from '../modules/single-sign-on/index.ts'
import type { SurveyResponseTable, SurveyTable } from '../modules/surveys/index.ts'
import type {
  TrainingFeedbackTable,
  TrainingLicenceImportTable,
  TrainingLicenceTable,
  TrainingOfferTable,
  TrainingUptakeTable,
} from '../modules/training/index.ts'
import type {
  WelfareCancellationTable,
  WelfareCheckOutcomeTable,
  WelfareGrantTable,
  WelfarePersonTable,
} from '../modules/welfare-checks/index.ts'
import type { DateOnly, Timestamp } from './columns.ts'

// Row types, as TypeScript sees them (CamelCasePlugin maps to snake_case SQL), each capability's in its
// folder (`*.tables.ts`) and gathered here into the one Database type Kysely checks every query against.

export type {
  AlertEventTable,
  AlertNotificationTable,
  AlertSource,
  AlertTable,
  ApiTokenTable,
  AuditEventTable,
  CaseActionTable,
  CaseEventTable,
  CaseStatus,
  CaseTable,
  ContactCategory,
  ContactLogAlertTable,
  ContactLogEntryTable,
  CouncilContractTable,
  CqcImportTable,
  DashboardCouncilDailyTable,
  DashboardDailyTable,
  EnquiryEventTable,
  EnquiryStatus,
  EnquiryTable,
  FaqEntryTable,
  IdempotencyKeyTable,
  ImportCounts,
  LocationBedHistoryTable,
  LocationContactTable,
  LocationRiskTable,
  LocationStatusEventTable,
  LocationTable,
  OneTimeTokenTable,
  OrganisationTable,
  OutboxMessageTable,
  PartnerCouncilTable,
  ProviderTable,
  Rag,
  ReturnChaseTable,
  ReturnExceptionTable,
  ReturnReminderTable,
  ReturnRiskFiguresTable,
  ReturnTemplateTable,
  RiskRuleVersionTable,
  SessionTable,
  SettingTable,
  Severity,
  SituationReturnTable,
  UserTable,
}

export type Database = {
  organisations: OrganisationTable
  partnerCouncils: PartnerCouncilTable
  providers: ProviderTable
  locations: LocationTable
  councilContracts: CouncilContractTable
  users: UserTable
  sessions: SessionTable
  twoStepRecoveryCodes: TwoStepRecoveryCodeTable
  oneTimeTokens: OneTimeTokenTable
  auditEvents: AuditEventTable
  outboxMessages: OutboxMessageTable
  locationStatusEvents: LocationStatusEventTable
  locationBedHistory: LocationBedHistoryTable
  locationContacts: LocationContactTable
  cqcImports: CqcImportTable
  returnTemplates: ReturnTemplateTable
  returnExceptions: ReturnExceptionTable
  situationReturns: SituationReturnTable
  apiTokens: ApiTokenTable
  idempotencyKeys: IdempotencyKeyTable
  returnReminders: ReturnReminderTable
  returnChases: ReturnChaseTable
  capacityTrackerImports: CapacityTrackerImportTable
  riskRuleVersions: RiskRuleVersionTable
  cases: CaseTable
  caseEvents: CaseEventTable
  caseActions: CaseActionTable
  alerts: AlertTable
  alertEvents: AlertEventTable
  locationRisk: LocationRiskTable
  returnRiskFigures: ReturnRiskFiguresTable
  alertNotifications: AlertNotificationTable
  settings: SettingTable
  contactLogEntries: ContactLogEntryTable
  contactLogAlerts: ContactLogAlertTable
  enquiries: EnquiryTable
  enquiryEvents: EnquiryEventTable
  faqEntries: FaqEntryTable
  dashboardDaily: DashboardDailyTable
  dashboardCouncilDaily: DashboardCouncilDailyTable
  dashboardNationalDaily: DashboardNationalDailyTable
  dashboardDaysBuilt: { day: DateOnly; builtAt: Timestamp }
  dashboardStale: { day: DateOnly; councilKey: string }
  dashboardRebuilding: { day: DateOnly; councilKey: string; claimedAt: Generated<Date> }
  riskQueue: { id: Generated<string>; locationId: string; queuedAt: Timestamp }
  // Emergency staffing (issue 21).
  staffingBudgets: StaffingBudgetTable
  staffingRequests: StaffingRequestTable
  staffingRequestShifts: StaffingRequestShiftTable
  staffingPoolPeople: StaffingPoolPersonTable
  staffingPoolChecks: StaffingPoolCheckTable
  staffingPoolAvailability: StaffingPoolAvailabilityTable
  staffingDeployments: StaffingDeploymentTable
  staffingTeamMembers: StaffingTeamMemberTable
  // Infection-control visits (issue 21).
  ipcChecklistItems: IpcChecklistItemTable
  ipcVisits: IpcVisitTable
  ipcVisitFindings: IpcVisitFindingTable
  ipcVisitActions: IpcVisitActionTable
  // Grants passed to providers (src/modules/grants).
  grantRounds: GrantRoundTable
  grantTranches: GrantTrancheTable
  grantPreviews: GrantPreviewTable
  grantAllocations: GrantAllocationTable
  grantPayments: GrantPaymentTable
  grantSpendReturns: GrantSpendReturnTable
  // Paying providers (payments capability).
  commissionedPackages: CommissionedPackageTable
  deliveredHours: DeliveredHoursTable
  voidBeds: VoidBedTable
  paymentSchemes: PaymentSchemeTable
  paymentImports: PaymentImportTable
  paymentRuns: PaymentRunTable
  paymentLines: PaymentLineTable
  supportReturnWording: SupportWordingTable
  // Welfare checks and provider resilience (issue 21).
  welfareGrants: WelfareGrantTable
  welfareCancellations: WelfareCancellationTable
  welfarePeople: WelfarePersonTable
  welfareCheckOutcomes: WelfareCheckOutcomeTable
  locationResilience: LocationResilienceTable
  protectionPlans: ProtectionPlanTable
  protectionPlanReviews: ProtectionPlanReviewTable
  // Action plan, training and publishing (issue 24)
  planAreas: PlanAreaTable
  planActions: PlanActionTable
  planActionUpdates: PlanActionUpdateTable
  trainingOffers: TrainingOfferTable
  trainingUptake: TrainingUptakeTable
  trainingLicenceImports: TrainingLicenceImportTable
  trainingLicences: TrainingLicenceTable
  trainingFeedback: TrainingFeedbackTable
  publications: PublicationTable
  publicationVersions: PublicationVersionTable
  publicationChallenges: PublicationChallengeTable
  publicationEvents: PublicationEventTable
  // Communications (issue 25)
  bulletins: BulletinTable
  bulletinRecipients: BulletinRecipientTable
  bulletinLists: BulletinListTable
  bulletinAttachments: BulletinAttachmentTable
  letterTemplates: LetterTemplateTable
  letterIssues: LetterIssueTable
  digestPreferences: DigestPreferenceTable
  surveys: SurveyTable
  surveyResponses: SurveyResponseTable
  resourceItems: ResourceItemTable
  resourceVersions: ResourceVersionTable
  careEvents: CareEventTable
  careEventSignups: CareEventSignupTable
  careEventQuestions: CareEventQuestionTable
} & PpeSupplyTables & // PPE supply (issue 20): its thirteen tables, listed in its ppe-supply.tables.ts
  SingleSignOnTables // Council single sign-on (issue 26): single-sign-on.tables.ts

export type Organisation = Selectable<OrganisationTable>
export type Provider = Selectable<ProviderTable>
export type Location = Selectable<LocationTable>
export type NewLocation = Insertable<LocationTable>
export type User = Selectable<UserTable>
export type UserUpdate = Updateable<UserTable>
export type AuditEvent = Selectable<AuditEventTable>
export type OutboxMessage = Selectable<OutboxMessageTable>
