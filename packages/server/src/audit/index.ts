/** The tamper-evident audit log: append in the event's transaction, verify the whole chain. */
export { entryHash, GENESIS_HASH } from './chain.js';
export { AUDIT_EVENT_TYPES, type AuditEventInput, type AuditEventType, appendAudit } from './log.js';
export { type AuditVerification, verifyAuditLog } from './verify.js';
