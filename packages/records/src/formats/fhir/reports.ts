/**
 * Imaging and pathology reports (r8) as DiagnosticReport-twcore: coded by the NHI order of the
 * examination, the full report text as a `text/plain` attachment (`presentedForm`), and the
 * report's own summary line ("Impression: …") as `conclusion` when it has one.
 */
import { CODE_SYSTEMS } from '../../codes/systems.js';
import type { ImagingPathologyRecord } from '../../record.js';
import type { BuildContext } from './context.js';
import { aside, narrative } from './narrative.js';
import { coding, fixedConcept, HL7, PROFILES } from './terminology.js';
import type { DiagnosticReport } from './types.js';
import { toInstant, utf8Base64 } from './values.js';

export const REPORT_SECTION = {
  imaging: fixedConcept(HL7.diagnosticServiceSection, 'RAD', 'Radiology'),
  pathology: fixedConcept(HL7.diagnosticServiceSection, 'PAT', 'Pathology (gross & histopath, not surgical)'),
} as const;

/** The text after the last "Impression:" (or 印象/診斷) label, the summary Taiwanese reports end with. */
export function impressionOf(text: string): string | undefined {
  const m = /(?:^|\n)\s*(?:Impression|IMPRESSION|印象|診斷)\s*[:：]\s*([^\n]+(?:\n(?!\s*\w+\s*:)[^\n]+)*)\s*$/.exec(
    text,
  );
  const found = m?.[1]?.trim();
  return found ? found : undefined;
}

export function addReport(ctx: BuildContext, record: ImagingPathologyRecord): void {
  const conclusion = impressionOf(record.reportText);
  const report: DiagnosticReport = {
    resourceType: 'DiagnosticReport',
    id: ctx.idFor(record.id, 'report'),
    meta: { profile: [PROFILES.diagnosticReport] },
    text: narrative(
      `${record.date} ${record.kind === 'imaging' ? '影像' : '病理'}報告：${record.order.display}${aside(record.institution.name)}`,
      conclusion ? `結論：${conclusion}` : '報告全文見附件',
    ),
    status: 'final',
    category: [REPORT_SECTION[record.kind]],
    code: {
      coding: [coding(CODE_SYSTEMS.nhiMedicalService, record.order.code, record.order.display)],
      text: record.order.display,
    },
    subject: ctx.patient,
    effectiveDateTime: record.date,
    issued: toInstant(record.reportedAt),
    performer: [ctx.organization(record.institution)],
    ...(conclusion ? { conclusion } : {}),
    presentedForm: [
      { contentType: 'text/plain; charset=utf-8', data: utf8Base64(record.reportText), title: record.order.display },
    ],
  };
  ctx.add(report);
}
