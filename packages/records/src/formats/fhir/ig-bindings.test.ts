/**
 * The codes the FHIR mapping hard-wires, checked against the TW Core IG package: each must be in
 * the value set its slice binds (required bindings), so a change of the IG or of a code list
 * shows up here rather than as an invalid export.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { twcoreDir } from '../../../test-fixtures/fixtures.js';
import { LAB_PANELS } from '../../codes/lab-items.js';
import { isValidLoinc } from '../../codes/loinc.js';
import { NHI_ORDERS } from '../../codes/nhi-orders.js';
import { CODE_SYSTEMS } from '../../codes/systems.js';
import { NHI_LAB_CODES_OUTSIDE_IG_VALUE_SET } from './labs.js';
import { PREVENTIVE_NHI_ORDERS } from './preventive.js';
import { SCREENING_CODINGS } from './screening.js';
import { TWCORE_SYSTEMS } from './terminology.js';
import { NHI_PROCEDURE_ORDERS_AS_REPORTS, NHI_PROCEDURE_ORDERS_AS_TEXT, SERVICE_TYPE } from './visits.js';

const ig = (file: string) => JSON.parse(readFileSync(path.join(twcoreDir, file), 'utf8'));

/** The codes a value set lists, by system. */
function valueSet(name: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const inc of ig(`ValueSet-${name}.json`).compose.include as { system: string; concept?: { code: string }[] }[]) {
    const set = out.get(inc.system) ?? new Set<string>();
    for (const c of inc.concept ?? []) set.add(c.code);
    out.set(inc.system, set);
  }
  return out;
}

describe('codes bound by TW Core slices', () => {
  const labCategory = valueSet('laboratory-category-tw').get(CODE_SYSTEMS.nhiMedicalService) ?? new Set<string>();

  it('an NHI lab code goes into Observation.code exactly when laboratory-category-tw lists it', () => {
    expect(labCategory.size).toBeGreaterThan(800);
    const outside = Object.keys(LAB_PANELS).filter((code) => !labCategory.has(code));
    expect(outside.sort()).toEqual([...NHI_LAB_CODES_OUTSIDE_IG_VALUE_SET].sort());
    for (const code of Object.values(PREVENTIVE_NHI_ORDERS)) expect(labCategory.has(code as string), code).toBe(true);
  });

  it('an NHI procedure order goes into Procedure.code exactly when procedure-tw lists it, else where the IG allows it', () => {
    // Procedure-twcore binds (required) its `medical-service-payment` coding slice to procedure-tw.
    const procedure = valueSet('procedure-tw').get(CODE_SYSTEMS.nhiMedicalService) ?? new Set<string>();
    expect(procedure.size).toBeGreaterThan(3_000);
    const outside = NHI_ORDERS.filter((o) => o.kind === 'procedure' && !procedure.has(o.code)).map((o) => o.code);
    expect(outside.sort()).toEqual([...NHI_PROCEDURE_ORDERS_AS_REPORTS.keys(), ...NHI_PROCEDURE_ORDERS_AS_TEXT].sort());
    expect([...NHI_PROCEDURE_ORDERS_AS_REPORTS.keys()]).toContain('15021C');
    // Written as a DiagnosticReport: DiagnosticReport-twcore's NHI slice binds laboratory-category-tw.
    for (const code of NHI_PROCEDURE_ORDERS_AS_REPORTS.keys()) expect(labCategory.has(code), code).toBe(true);
    // Written as text: no value set the IG binds for NHI codes lists them.
    for (const code of NHI_PROCEDURE_ORDERS_AS_TEXT) expect(labCategory.has(code), code).toBe(false);
  });

  it('the screening service codes exist in medical-service-payment-tw, each beside a well-formed LOINC code', () => {
    const codes = new Set(
      ig('CodeSystem-medical-service-payment-tw.json').concept.map((c: { code: string }) => c.code),
    );
    for (const spec of Object.values(SCREENING_CODINGS)) {
      expect(codes.has(spec.nhi), spec.nhi).toBe(true);
      expect(isValidLoinc(spec.loinc), spec.loinc).toBe(true); // shape and mod-10 check digit
    }
    expect(SCREENING_CODINGS.oral).toMatchObject({ nhi: '95', loinc: '10201-2' });
    expect(isValidLoinc('10201-3')).toBe(false); // the check digit is checked
  });

  it('the Encounter service types are in the value sets of their serviceType slices', () => {
    const consultation = valueSet('medical-consultation-department-tw').get(TWCORE_SYSTEMS.consultationDepartment);
    const sct = valueSet('medical-department-sct-tw').get('http://snomed.info/sct');
    for (const concept of Object.values(SERVICE_TYPE)) {
      const c = concept.coding?.[0];
      const set = c?.system === TWCORE_SYSTEMS.consultationDepartment ? consultation : sct;
      expect(set?.has(c?.code as string), `${c?.system}|${c?.code}`).toBe(true);
    }
  });

  it('the identifier systems are the ones the profiles fix', () => {
    const patient = ig('StructureDefinition-Patient-twcore.json');
    const idCard = patient.snapshot.element.find(
      (e: { id: string }) => e.id === 'Patient.identifier:idCardNumber.system',
    );
    expect(idCard.patternUri).toBe(TWCORE_SYSTEMS.nationalId);
    const hosp = ig('StructureDefinition-Organization-hosp-twcore.json');
    const system = hosp.snapshot.element.find((e: { id: string }) => e.id === 'Organization.identifier.system');
    expect(system.patternUri).toBe(TWCORE_SYSTEMS.organizationIdentifier);
  });
});
