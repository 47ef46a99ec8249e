import { auditActions } from '../audit/index.ts'

// What bulletins record in the audit trail.
export const bulletinsAuditActions = auditActions({
  bulletinDrafted: 'bulletin-drafted',
  bulletinScheduled: 'bulletin-scheduled',
  bulletinSent: 'bulletin-sent',
  bulletinResent: 'bulletin-resent-to-unread',
  bulletinListSaved: 'bulletin-list-saved',
  bulletinFileAttached: 'bulletin-file-attached',
  bulletinFileRemoved: 'bulletin-file-removed',
  letterIssued: 'letter-issued',
  letterTemplateSaved: 'letter-template-saved',
  digestPreferenceChanged: 'digest-preference-changed',
})
