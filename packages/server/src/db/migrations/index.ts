import type { Migration } from 'kysely';
import type { Dialect } from '../url.js';
import { citizensAndRecords } from './0001_citizens_and_records.js';
import { citizenSignin } from './0002_citizen_signin.js';
import { oauthAndConsent } from './0003_oauth_and_consent.js';
import { exportsAndTickets } from './0004_exports.js';
import { recordsReadOrder } from './0005_records_read_order.js';
import { citizenContacts } from './0006_citizen_contacts.js';
import { ticketScope } from './0007_ticket_scope.js';
import { signinUpstream } from './0008_signin_upstream.js';
import { auditLog } from './0009_audit_log.js';
import { deletionRequests } from './0010_deletion_requests.js';
import { auditCheckpoints } from './0011_audit_checkpoints.js';
import { notifications } from './0012_notifications.js';
import { organisationPortal } from './0013_organisation_portal.js';
import { citizenRealm } from './0014_citizen_realm.js';
import { integrationTestFiles } from './0015_integration_test_files.js';
import { productionWebhook } from './0016_production_webhook.js';
import { recordsByCitizen } from './0017_records_by_citizen.js';
import { sandboxShownCodes } from './0018_sandbox_shown_codes.js';

/**
 * All migrations, by name, in the order they apply. Listed in code rather than globbed from a
 * folder so that they run the same from `src` (tsx, vitest) and from `dist`. Names are permanent:
 * the migrator records them in `kysely_migration`.
 */
export function migrations(dialect: Dialect): Record<string, Migration> {
  return {
    '0001_citizens_and_records': citizensAndRecords(dialect),
    '0002_citizen_signin': citizenSignin(dialect),
    '0003_oauth_and_consent': oauthAndConsent(dialect),
    '0004_exports': exportsAndTickets(dialect),
    '0005_records_read_order': recordsReadOrder(dialect),
    '0006_citizen_contacts': citizenContacts(dialect),
    '0007_ticket_scope': ticketScope(dialect),
    '0008_signin_upstream': signinUpstream(dialect),
    '0009_audit_log': auditLog(dialect),
    '0010_deletion_requests': deletionRequests(dialect),
    '0011_audit_checkpoints': auditCheckpoints(dialect),
    '0012_notifications': notifications(dialect),
    '0013_organisation_portal': organisationPortal(dialect),
    '0014_citizen_realm': citizenRealm(dialect),
    '0015_integration_test_files': integrationTestFiles(dialect),
    '0016_production_webhook': productionWebhook(dialect),
    '0017_records_by_citizen': recordsByCitizen(dialect),
    '0018_sandbox_shown_codes': sandboxShownCodes(dialect),
  };
}
