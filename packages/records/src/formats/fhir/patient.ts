/** The Patient resource: who the bundle is about, identified as the caller chooses. */
import { isValidNationalId } from '../../identifiers/national-id.js';
import { isIsoDate } from '../../query.js';
import { narrative } from './narrative.js';
import { fixedConcept, frozen, HL7, PROFILES, TWCORE_SYSTEMS } from './terminology.js';
import type { Identifier, Patient } from './types.js';

/**
 * How the Patient is identified. `national-id` is the 身分證字號 in TW Core's idCardNumber slice;
 * `pairwise` is a per-app subject (recommended for exports: the app learns no national ID).
 */
export type FhirPatientIdentifier =
  | { kind: 'national-id'; value: string }
  | { kind: 'pairwise'; system: string; value: string };

export interface FhirPatient {
  identifier: FhirPatientIdentifier;
  /** Patient-twcore requires gender and birth date. */
  sex: 'female' | 'male';
  birthDate: string;
  /** Full name as written (Chinese names are not split into family and given). */
  name?: string;
}

const IDENTIFIER_SUFFIX = 'https://twcore.mohw.gov.tw/ig/twcore/StructureDefinition/identifier-suffix';

/** v2-0203 NNxxx ("national person identifier", xxx the ISO 3166 alpha-3 country) with xxx = TWN. */
const NATIONAL_ID_TYPE = frozen({
  coding: [
    {
      system: HL7.identifierType,
      code: 'NNxxx',
      _code: {
        extension: [
          {
            url: IDENTIFIER_SUFFIX,
            extension: [
              { url: 'suffix', valueString: 'TWN' },
              { url: 'valueSet', valueCanonical: 'http://hl7.org/fhir/ValueSet/iso3166-1-3' },
            ],
          },
        ],
      },
    },
  ],
});

const ANONYMOUS_TYPE = fixedConcept(HL7.identifierType, 'ANON', 'Anonymous identifier');

function identifierOf(id: FhirPatientIdentifier): Identifier {
  if (id.kind === 'national-id') {
    if (!isValidNationalId(id.value)) throw new RangeError('patient.identifier: not a valid national ID');
    return { use: 'official', type: NATIONAL_ID_TYPE, system: TWCORE_SYSTEMS.nationalId, value: id.value };
  }
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(id.system)) {
    throw new RangeError(`patient.identifier.system must be an absolute URI, got "${id.system}"`);
  }
  if (id.value.length === 0) throw new RangeError('patient.identifier.value is empty');
  // "secondary": meaningful only in this context (one app); another app sees another value.
  return { use: 'secondary', type: ANONYMOUS_TYPE, system: id.system, value: id.value };
}

export function patientResource(id: string, patient: FhirPatient): Patient {
  if (!isIsoDate(patient.birthDate)) throw new RangeError(`patient.birthDate must be YYYY-MM-DD`);
  const who = `${patient.sex === 'female' ? '女' : '男'}，${patient.birthDate} 出生`;
  return {
    resourceType: 'Patient',
    id,
    meta: { profile: [PROFILES.patient] },
    // The identifier stays out of the narrative: a pairwise subject means nothing to a reader.
    text: narrative(patient.name ? `${patient.name}，${who}` : `病人：${who}`),
    identifier: [identifierOf(patient.identifier)],
    ...(patient.name ? { name: [{ use: 'official' as const, text: patient.name }] } : {}),
    gender: patient.sex,
    birthDate: patient.birthDate,
  };
}
