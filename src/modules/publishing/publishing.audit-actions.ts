import { auditActions } from '../audit/index.ts'

// What publishing records in the audit trail.
export const publishingAuditActions = auditActions({
  publicationStarted: 'publication-started',
  accuracyCheckStarted: 'publication-accuracy-check-started',
  figureChallenged: 'publication-figure-challenged',
  challengeResolved: 'publication-challenge-resolved',
  versionPublished: 'publication-version-published',
  correctionStarted: 'publication-correction-started',
})
