/**
 * Canonical code-system URLs, as the TW Core IG 0.3.2 (臺灣核心實作指引) and HL7 define them.
 * The FHIR content format codes every value with one of these systems.
 */
export const CODE_SYSTEMS = {
  /** 全民健康保險醫療服務給付項目 (醫令代碼), e.g. 09005C. */
  nhiMedicalService: 'https://twcore.mohw.gov.tw/ig/twcore/CodeSystem/medical-service-payment-tw',
  /** 健保署 2023 年中文版 ICD-10-CM. */
  icd10cm: 'https://twcore.mohw.gov.tw/ig/twcore/CodeSystem/icd-10-cm-2023-tw',
  /** 健保署 2023 年中文版 ICD-10-PCS. */
  icd10pcs: 'https://twcore.mohw.gov.tw/ig/twcore/CodeSystem/icd-10-pcs-2023-tw',
  /** 健保用藥品項 (10-character NHI drug codes). */
  nhiMedication: 'https://twcore.mohw.gov.tw/ig/twcore/CodeSystem/medication-nhi-tw',
  /** 健保中藥用藥品項 (NHI herbal preparations). */
  nhiHerbMedication: 'https://twcore.mohw.gov.tw/ig/twcore/CodeSystem/nhi-medication-ch-herb-tw',
  /** WHO ATC, the system the IG's ValueSet medcation-atc-tw draws on. */
  atc: 'http://www.whocc.no/atc',
  /** ATC codes the TFDA uses that WHO does not define (the IG's own spelling "medcation"). */
  atcTw: 'https://twcore.mohw.gov.tw/ig/twcore/CodeSystem/medcation-atc-tw',
  loinc: 'http://loinc.org',
  ucum: 'http://unitsofmeasure.org',
  cvx: 'http://hl7.org/fhir/sid/cvx',
} as const;

export type CodeSystemKey = keyof typeof CODE_SYSTEMS;

/** Value sets of the TW Core IG that bind the codes above. */
export const VALUE_SETS = {
  icd10cm: 'https://twcore.mohw.gov.tw/ig/twcore/ValueSet/icd-10-cm-2023-tw',
  icd10pcs: 'https://twcore.mohw.gov.tw/ig/twcore/ValueSet/icd-10-pcs-2023-tw',
  nhiMedication: 'https://twcore.mohw.gov.tw/ig/twcore/ValueSet/medication-nhi-tw',
  nhiHerbMedication: 'https://twcore.mohw.gov.tw/ig/twcore/ValueSet/nhi-medication-ch-herb-tw',
  atc: 'https://twcore.mohw.gov.tw/ig/twcore/ValueSet/medcation-atc-tw',
} as const;
