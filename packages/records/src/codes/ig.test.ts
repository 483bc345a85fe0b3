/**
 * Checks the curated lists against the TW Core IG files kept in the repository
 * (packages/records/ig/twcore-0.3.2): every NHI order and herbal preparation exists there with the
 * same display, and every ATC code is in the IG's ATC value set.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { twcoreDir as igDir } from '../../test-fixtures/fixtures.js';
import { DRUGS } from './drugs.js';
import { HERBS } from './herbs.js';
import { PREVENTIVE_MEASUREMENT_CODES, VITAL_SIGN_CODES } from './lab-items.js';
import { NHI_ORDERS } from './nhi-orders.js';
import { CODE_SYSTEMS, VALUE_SETS } from './systems.js';

interface Concept {
  code: string;
  display?: string;
}
const readJson = (file: string) => {
  const full = path.join(igDir, file);
  if (!existsSync(full)) throw new Error(`TW Core IG file missing: ${full}`);
  return JSON.parse(readFileSync(full, 'utf8'));
};
const conceptMap = (file: string): { url: string; concepts: Map<string, string | undefined> } => {
  const json = readJson(file);
  return { url: json.url, concepts: new Map((json.concept as Concept[]).map((c) => [c.code, c.display])) };
};

describe('TW Core IG code systems', () => {
  it('every curated NHI order exists with exactly the IG display', () => {
    const { url, concepts } = conceptMap('CodeSystem-medical-service-payment-tw.json');
    expect(url).toBe(CODE_SYSTEMS.nhiMedicalService);
    for (const order of NHI_ORDERS) expect(concepts.get(order.code), order.code).toBe(order.zh);
  });

  it('every curated herbal preparation exists with exactly the IG display', () => {
    const { url, concepts } = conceptMap('CodeSystem-nhi-medication-ch-herb-tw.json');
    expect(url).toBe(CODE_SYSTEMS.nhiHerbMedication);
    for (const h of HERBS) {
      expect(concepts.get(h.code), h.code).toBe(h.display);
      expect(h.display).toContain(h.formula);
    }
  });

  it('every ATC code of the curated drugs is in the IG ATC value set', () => {
    const json = readJson('ValueSet-medcation-atc-tw.json');
    expect(json.url).toBe(VALUE_SETS.atc);
    const atc = new Set<string>(
      json.compose.include.flatMap((inc: { concept?: Concept[] }) => (inc.concept ?? []).map((c) => c.code)),
    );
    for (const d of DRUGS) expect(atc.has(d.atc), `${d.code} ${d.atc}`).toBe(true);
  });

  it('the ICD-10 and drug systems are the ones the IG value sets include', () => {
    for (const [key, file] of [
      ['icd10cm', 'ValueSet-icd-10-cm-2023-tw.json'],
      ['icd10pcs', 'ValueSet-icd-10-pcs-2023-tw.json'],
      ['nhiMedication', 'ValueSet-medication-nhi-tw.json'],
    ] as const) {
      const json = readJson(file);
      expect(json.url).toBe(VALUE_SETS[key]);
      expect(json.compose.include[0].system).toBe(CODE_SYSTEMS[key]);
    }
  });

  it('vital signs and body measurements use codes of the TW Core vital-signs value set', () => {
    const json = readJson('ValueSet-vital-signs-tw.json');
    const vitals = new Set<string>(
      json.compose.include.flatMap((inc: { concept: Concept[] }) => inc.concept.map((c) => c.code)),
    );
    const used = [
      ...Object.values(VITAL_SIGN_CODES).map((v) => v.loinc),
      ...(['height', 'weight', 'bmi', 'systolic', 'diastolic'] as const).map(
        (k) => PREVENTIVE_MEASUREMENT_CODES[k].loinc,
      ),
    ];
    for (const code of used) expect(vitals.has(code), code).toBe(true);
  });
});
