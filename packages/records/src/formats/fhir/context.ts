/**
 * The state of one bundle being built: deterministic ids, the patient reference, one
 * Organization per 醫事機構 (made on first use), and the entries in order.
 */
import type { Institution } from '../../record.js';
import { deterministicUuid } from '../uuid.js';
import { narrative } from './narrative.js';
import { fixedConcept, frozen, HL7, PROFILES, TWCORE_SYSTEMS } from './terminology.js';
import type { BundleEntry, Organization, Reference, Resource } from './types.js';

export interface BuildContext {
  /** Mixed into every id, so that ids differ between people and, if wanted, between apps. */
  readonly namespace: string;
  readonly patient: Reference;
  readonly sex: 'female' | 'male';
  /** A resource id for a record-derived resource, e.g. `idFor(record.id, 'encounter')`. */
  idFor(recordId: string, role: string): string;
  /** Adds a resource (its `id` already set) and returns a reference to it. */
  add(resource: Resource): Reference;
  /** The reference to the institution's Organization, adding it on first use. */
  organization(institution: Institution, phone?: string): Reference;
}

const PROVIDER = fixedConcept(HL7.organizationType, 'prov', 'Healthcare Provider');
const PROVIDER_NUMBER = fixedConcept(HL7.identifierType, 'PRN', 'Provider number');

export const urnOf = (id: string): string => `urn:uuid:${id}`;

const organizationNarrative = (institution: Institution, phone: string | undefined) =>
  narrative(`醫事機構：${institution.name}（醫事機構代碼 ${institution.code}${phone ? `，電話 ${phone}` : ''}）`);

export function createContext(
  namespace: string,
  sex: 'female' | 'male',
  patientId: string,
): BuildContext & { readonly entries: BundleEntry[]; readonly organizations: BundleEntry[] } {
  const entries: BundleEntry[] = [];
  const organizations: BundleEntry[] = [];
  const orgRefs = new Map<string, { reference: Reference; resource: Organization }>();
  const patient: Reference = frozen({ reference: urnOf(patientId) });
  return {
    namespace,
    patient,
    sex,
    entries,
    organizations,
    idFor: (recordId, role) => deterministicUuid(namespace, recordId, role),
    add(resource) {
      const fullUrl = urnOf(resource.id as string);
      entries.push({ fullUrl, resource });
      return { reference: fullUrl };
    },
    organization(institution, phone) {
      const known = orgRefs.get(institution.code);
      if (known) {
        if (phone && !known.resource.telecom) {
          known.resource.telecom = [{ system: 'phone', value: phone, use: 'work' }];
          known.resource.text = organizationNarrative(institution, phone);
        }
        return known.reference;
      }
      const id = deterministicUuid(namespace, 'Organization', institution.code);
      const resource: Organization = {
        resourceType: 'Organization',
        id,
        meta: { profile: [PROFILES.organization] },
        text: organizationNarrative(institution, phone),
        identifier: [
          {
            use: 'official',
            type: PROVIDER_NUMBER,
            system: TWCORE_SYSTEMS.organizationIdentifier,
            value: institution.code,
          },
        ],
        active: true,
        type: [PROVIDER],
        name: institution.name,
        ...(phone ? { telecom: [{ system: 'phone' as const, value: phone, use: 'work' as const }] } : {}),
      };
      const reference: Reference = frozen({ reference: urnOf(id) });
      organizations.push({ fullUrl: reference.reference as string, resource });
      orgRefs.set(institution.code, { reference, resource });
      return reference;
    },
  };
}
