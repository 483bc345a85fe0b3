/** Lab results (r7) as Observation-laboratoryResult-twcore: LOINC plus the NHI order code. */
import { CODE_SYSTEMS } from '../../codes/systems.js';
import type { LabRecord, Quantity as RecordQuantity, ReferenceRange } from '../../record.js';
import type { BuildContext } from './context.js';
import { amount, aside, INTERPRETATION_ZH, narrative } from './narrative.js';
import { coding, INTERPRETATION, OBSERVATION_CATEGORY, PROFILES } from './terminology.js';
import type { Coding, Observation, ObservationReferenceRange, Quantity, Reference } from './types.js';
import { nonEmpty, toInstant, ucum } from './values.js';

/**
 * NHI lab order codes the platform uses that the IG's value set laboratory-category-tw (879
 * codes) does not list. That slice of Observation.code is matched by system and bound
 * (required) to the value set, so these codes are left out of `code.coding`; the order still
 * shows in `code.text`. The tests recompute this list from the IG package.
 */
export const NHI_LAB_CODES_OUTSIDE_IG_VALUE_SET: ReadonlySet<string> = new Set(['09140C']);

/** The NHI order as a coding of Observation.code, if the IG's lab value set allows it. */
export function nhiLabCoding(code: string, display: string): Coding | undefined {
  return NHI_LAB_CODES_OUTSIDE_IG_VALUE_SET.has(code)
    ? undefined
    : coding(CODE_SYSTEMS.nhiMedicalService, code, display);
}

/** A reference range in FHIR terms; undefined when the range says nothing. */
export function referenceRangeOf(
  range: ReferenceRange | undefined,
  unit: string | undefined,
): ObservationReferenceRange | undefined {
  if (!range) return undefined;
  const q = (value: number): Quantity => (unit ? ucum(value, unit) : { value });
  const out: ObservationReferenceRange = {};
  if (range.low !== undefined) out.low = q(range.low);
  if (range.high !== undefined) out.high = q(range.high);
  if (nonEmpty(range.text)) out.text = range.text;
  return out.low || out.high || out.text ? out : undefined;
}

export const valueQuantityOf = (q: RecordQuantity): Quantity => ucum(q.value, q.unit);

export function addLab(ctx: BuildContext, record: LabRecord): Reference {
  const codings: Coding[] = [coding(CODE_SYSTEMS.loinc, record.loinc)];
  const nhi = nhiLabCoding(record.order.code, record.order.display);
  if (nhi) codings.push(nhi);
  const range = referenceRangeOf(record.referenceRange, record.quantity?.unit);
  const text = `${record.item} (${record.order.display})`;
  const interpretation = record.interpretation ? INTERPRETATION[record.interpretation] : undefined;
  const result = record.quantity ? amount(record.quantity.value, record.quantity.unit) : record.value;
  const observation: Observation = {
    resourceType: 'Observation',
    id: ctx.idFor(record.id, 'observation'),
    meta: { profile: [PROFILES.laboratoryResult] },
    // The analyte, not the order name: "HbA1c", "Hb" say what a clinician looks for.
    text: narrative(
      `${record.date} ${record.item}：${result}${aside(
        range?.text && `參考值 ${range.text}`,
        interpretation && INTERPRETATION_ZH[interpretation.coding?.[0]?.code as string],
      )}`,
    ),
    status: 'final',
    category: [OBSERVATION_CATEGORY.laboratory],
    code: { coding: codings, text },
    subject: ctx.patient,
    effectiveDateTime: record.date,
    issued: toInstant(record.reportedAt),
    performer: [ctx.organization(record.institution)],
    ...(record.quantity ? { valueQuantity: valueQuantityOf(record.quantity) } : { valueString: record.value }),
    ...(interpretation ? { interpretation: [interpretation] } : {}),
    ...(range ? { referenceRange: [range] } : {}),
  };
  return ctx.add(observation);
}
