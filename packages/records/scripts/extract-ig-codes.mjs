#!/usr/bin/env node
/**
 * Regenerates the NHI order and herbal-preparation code lists from the TW Core IG package:
 *   src/codes/nhi-orders.generated.ts  (CodeSystem medical-service-payment-tw)
 *   src/codes/herbs.generated.ts       (CodeSystem nhi-medication-ch-herb-tw)
 *
 * The curated lists below say which codes the platform uses and add what the IG lacks (English
 * names, order kind, group); the Chinese names are always copied from the IG, never typed by hand.
 *
 * Usage: node packages/records/scripts/extract-ig-codes.mjs [path/to/twcore-ig]
 * Default IG path: packages/records/ig/twcore-0.3.2 (the IG files kept in the repository).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const igDir = process.argv[2] ?? path.resolve(here, '..', 'ig', 'twcore-0.3.2');
const outDir = path.resolve(here, '..', 'src', 'codes');

/** [code, kind, group, English name] */
const NHI_ORDERS = [
  // Consultation fees (診察費)
  [
    '00154A',
    'fee',
    'consultation',
    'Outpatient consultation, medical centre/regional hospital, prescription filled at a pharmacy',
  ],
  [
    '00155A',
    'fee',
    'consultation',
    'Outpatient consultation, medical centre/regional hospital, chronic refill prescription filled at a pharmacy',
  ],
  [
    '00156A',
    'fee',
    'consultation',
    'Outpatient consultation, medical centre/regional hospital, no prescription or dispensed in-house',
  ],
  [
    '00157A',
    'fee',
    'consultation',
    'Outpatient consultation, medical centre/regional hospital, chronic refill prescription dispensed in-house',
  ],
  ['00101B', 'fee', 'consultation', 'Outpatient consultation, district hospital, prescription filled at a pharmacy'],
  [
    '00102B',
    'fee',
    'consultation',
    'Outpatient consultation, district hospital, no prescription or dispensed in-house',
  ],
  [
    '00131B',
    'fee',
    'consultation',
    'Outpatient consultation, district hospital, chronic refill prescription filled at a pharmacy',
  ],
  [
    '00132B',
    'fee',
    'consultation',
    'Outpatient consultation, district hospital, chronic refill prescription dispensed in-house',
  ],
  [
    '00105B',
    'fee',
    'consultation',
    'Outpatient consultation, hospital in a mountain or island area, prescription filled at a pharmacy',
  ],
  [
    '00135B',
    'fee',
    'consultation',
    'Outpatient consultation, hospital in a mountain or island area, chronic refill prescription',
  ],
  [
    '00109C',
    'fee',
    'consultation',
    'Outpatient consultation, primary care (≤ 30 visits a day), prescription filled at a pharmacy',
  ],
  [
    '00110C',
    'fee',
    'consultation',
    'Outpatient consultation, primary care (≤ 40 visits a day), no prescription or dispensed in-house',
  ],
  [
    '00158C',
    'fee',
    'consultation',
    'Outpatient consultation, primary care (≤ 40 visits a day), chronic refill prescription of 28+ days',
  ],
  ['00201B', 'fee', 'consultation', 'Emergency consultation, triage level 1'],
  ['00202B', 'fee', 'consultation', 'Emergency consultation, triage level 2'],
  ['00203B', 'fee', 'consultation', 'Emergency consultation, triage level 3'],
  ['00204B', 'fee', 'consultation', 'Emergency consultation, triage level 4'],
  ['00225B', 'fee', 'consultation', 'Emergency consultation, triage level 5'],
  ['05202B', 'fee', 'consultation', 'Outpatient dispensing fee, general prescription (≤ 7 days)'],
  ['05205A', 'fee', 'consultation', 'Outpatient dispensing fee, chronic prescription of 14–27 days'],
  ['05206B', 'fee', 'consultation', 'Pharmacy dispensing fee, chronic prescription of 14–27 days'],
  ['05210B', 'fee', 'consultation', 'Pharmacy dispensing fee, chronic prescription of 28 days or more'],
  // Laboratory (檢驗)
  ['09005C', 'lab', 'lab', 'Glucose, fasting (blood and body fluids)'],
  ['09140C', 'lab', 'lab', 'Glucose, postprandial (blood and body fluids)'],
  ['09006C', 'lab', 'lab', 'Haemoglobin A1c'],
  ['09001C', 'lab', 'lab', 'Total cholesterol'],
  ['09004C', 'lab', 'lab', 'Triglycerides'],
  ['09043C', 'lab', 'lab', 'HDL cholesterol'],
  ['09044C', 'lab', 'lab', 'LDL cholesterol'],
  ['09002C', 'lab', 'lab', 'Blood urea nitrogen'],
  ['09015C', 'lab', 'lab', 'Creatinine, blood'],
  ['09016C', 'lab', 'lab', 'Creatinine, urine'],
  ['12111C', 'lab', 'lab', 'Microalbumin (immunoturbidimetry)'],
  ['09025C', 'lab', 'lab', 'AST (GOT)'],
  ['09026C', 'lab', 'lab', 'ALT (GPT)'],
  ['09027C', 'lab', 'lab', 'Alkaline phosphatase'],
  ['09029C', 'lab', 'lab', 'Total bilirubin'],
  ['09038C', 'lab', 'lab', 'Albumin'],
  ['09013C', 'lab', 'lab', 'Uric acid'],
  ['09021C', 'lab', 'lab', 'Sodium'],
  ['09022C', 'lab', 'lab', 'Potassium'],
  ['08011C', 'lab', 'lab', 'Complete blood count I (8 items)'],
  ['08013C', 'lab', 'lab', 'White blood cell differential count'],
  ['06013C', 'lab', 'lab', 'Urine chemistry (dipstick)'],
  ['06012C', 'lab', 'lab', 'Urinalysis, routine (dipstick and sediment)'],
  ['09112C', 'lab', 'lab', 'Thyroid-stimulating hormone (immunoassay)'],
  ['09106C', 'lab', 'lab', 'Free thyroxine (immunoassay)'],
  ['14032C', 'lab', 'lab', 'Hepatitis B surface antigen'],
  ['14051C', 'lab', 'lab', 'Hepatitis C virus antibody'],
  ['12081C', 'lab', 'lab', 'Prostate-specific antigen (EIA/LIA)'],
  ['12015C', 'lab', 'lab', 'C-reactive protein (immunoturbidimetry)'],
  ['12007C', 'lab', 'lab', 'Alpha-fetoprotein'],
  ['08026C', 'lab', 'lab', 'Prothrombin time (one-stage)'],
  // Imaging and function tests (影像及檢查)
  ['32001C', 'procedure', 'imaging', 'Chest radiography'],
  ['32011C', 'procedure', 'imaging', 'Spine radiography'],
  ['32017C', 'procedure', 'imaging', 'Lower limb radiography'],
  ['32022C', 'procedure', 'imaging', 'Pelvis and hip radiography'],
  ['33070B', 'procedure', 'imaging', 'Computed tomography without contrast'],
  ['33071B', 'procedure', 'imaging', 'Computed tomography with contrast'],
  ['33084B', 'procedure', 'imaging', 'Magnetic resonance imaging without contrast'],
  ['19001C', 'procedure', 'imaging', 'Abdominal ultrasound'],
  ['19009C', 'procedure', 'imaging', 'Abdominal ultrasound, follow-up'],
  ['19012C', 'procedure', 'imaging', 'Head and neck soft-tissue ultrasound (thyroid)'],
  ['19014C', 'procedure', 'imaging', 'Breast ultrasound'],
  ['20013C', 'procedure', 'imaging', 'Carotid artery ultrasound'],
  ['18001C', 'procedure', 'imaging', 'Electrocardiogram'],
  ['18005C', 'procedure', 'imaging', 'Echocardiography'],
  ['33064B', 'procedure', 'imaging', 'Dual-energy X-ray absorptiometry (bone density)'],
  ['33145B', 'procedure', 'imaging', 'Diagnostic mammography'],
  ['28016C', 'procedure', 'imaging', 'Upper gastrointestinal panendoscopy'],
  ['28017C', 'procedure', 'imaging', 'Colonoscopy'],
  ['17003C', 'procedure', 'imaging', 'Flow-volume loop (spirometry)'],
  // Pathology (病理)
  ['25001C', 'procedure', 'pathology', 'Surgical pathology level I, gross examination'],
  ['25002C', 'procedure', 'pathology', 'Surgical pathology level II, microscopic confirmation'],
  ['25003C', 'procedure', 'pathology', 'Surgical pathology level III'],
  ['25004C', 'procedure', 'pathology', 'Surgical pathology level IV'],
  ['15021C', 'procedure', 'pathology', 'Thin-layer cytology'],
  ['28030C', 'procedure', 'pathology', 'Endoscopic biopsy (per session)'],
  // Outpatient procedures (處置)
  ['48001C', 'procedure', 'procedure', 'Superficial wound care, wound shorter than 5 cm'],
  ['48011C', 'procedure', 'procedure', 'Dressing change, small (under 10 cm)'],
  ['48007C', 'procedure', 'procedure', 'Incision of a small abscess'],
  ['47043C', 'procedure', 'procedure', 'Upper gastrointestinal endoscopic haemostasis'],
  // Dental (牙醫)
  ['00121C', 'fee', 'dental', 'Dental consultation (≤ 20 visits a day), prescription filled at a pharmacy'],
  ['00122C', 'fee', 'dental', 'Dental consultation (≤ 20 visits a day), no prescription or dispensed in-house'],
  ['00123C', 'fee', 'dental', 'Dental consultation (> 20 visits a day), prescription filled at a pharmacy'],
  ['00125C', 'fee', 'dental', 'Dental consultation in a mountain or island area, prescription filled at a pharmacy'],
  [
    '00126C',
    'fee',
    'dental',
    'Dental consultation in a mountain or island area, no prescription or dispensed in-house',
  ],
  ['34001C', 'procedure', 'dental', 'Periapical radiograph'],
  ['34002C', 'procedure', 'dental', 'Bitewing radiograph'],
  ['34004C', 'procedure', 'dental', 'Panoramic radiograph'],
  ['89001C', 'procedure', 'dental', 'Amalgam filling, one surface'],
  ['89002C', 'procedure', 'dental', 'Amalgam filling, two surfaces'],
  ['89004C', 'procedure', 'dental', 'Anterior composite resin filling, one surface'],
  ['89005C', 'procedure', 'dental', 'Anterior composite resin filling, two surfaces'],
  ['89008C', 'procedure', 'dental', 'Posterior composite resin filling, one surface'],
  ['89009C', 'procedure', 'dental', 'Posterior composite resin filling, two surfaces'],
  ['89011C', 'procedure', 'dental', 'Glass ionomer filling'],
  ['89013C', 'procedure', 'dental', 'Compomer filling'],
  ['89006C', 'procedure', 'dental', 'Pulp capping'],
  ['90001C', 'procedure', 'dental', 'Root canal treatment, permanent tooth, one root'],
  ['90002C', 'procedure', 'dental', 'Root canal treatment, permanent tooth, two roots'],
  ['90003C', 'procedure', 'dental', 'Root canal treatment, permanent tooth, three roots'],
  ['90004C', 'procedure', 'dental', 'Endodontic emergency treatment'],
  ['90015C', 'procedure', 'dental', 'Root canal opening and debridement'],
  ['91001C', 'procedure', 'dental', 'Periodontal emergency treatment'],
  ['91003C', 'procedure', 'dental', 'Scaling, localised'],
  ['91004C', 'procedure', 'dental', 'Scaling, full mouth'],
  ['91006C', 'procedure', 'dental', 'Subgingival curettage with root planing, full mouth'],
  ['91008C', 'procedure', 'dental', 'Subgingival curettage with root planing, localised (up to 3 teeth)'],
  ['91014C', 'procedure', 'dental', 'Basic periodontal and caries control'],
  ['91089C', 'procedure', 'dental', 'Scaling for patients with diabetes, full mouth'],
  ['92001C', 'procedure', 'dental', 'Non-specific local treatment'],
  ['92013C', 'procedure', 'dental', 'Simple extraction'],
  ['92014C', 'procedure', 'dental', 'Complicated extraction'],
  ['92015C', 'procedure', 'dental', 'Simple odontectomy'],
  ['92016C', 'procedure', 'dental', 'Complicated odontectomy'],
  ['92003C', 'procedure', 'dental', 'Intraoral incision and drainage'],
  // Traditional Chinese medicine (中醫)
  ['A01', 'fee', 'tcm', 'TCM consultation (≤ 30 visits a day), nurse present'],
  ['A02', 'fee', 'tcm', 'TCM consultation (≤ 30 visits a day), no nurse present'],
  ['A03', 'fee', 'tcm', 'TCM consultation (31–50 visits a day), nurse present'],
  ['A09', 'fee', 'tcm', 'TCM consultation in a mountain or island area, nurse present'],
  ['A21', 'fee', 'tcm', 'TCM daily drug fee'],
  ['A31', 'fee', 'tcm', 'TCM dispensing fee, pharmacist with TCM training'],
  ['A32', 'fee', 'tcm', 'TCM dispensing fee, dispensed by the physician'],
  ['B71', 'procedure', 'tcm', 'Pulse diagnosis device examination'],
  ['D01', 'procedure', 'tcm', 'Acupuncture, with oral medication'],
  ['D02', 'procedure', 'tcm', 'Acupuncture, without oral medication'],
  ['D03', 'procedure', 'tcm', 'Electroacupuncture, with oral medication'],
  ['E01', 'procedure', 'tcm', 'Traumatology manipulation (tui na), with oral medication'],
  ['E02', 'procedure', 'tcm', 'Traumatology manipulation (tui na), without oral medication'],
  ['F01', 'procedure', 'tcm', 'Acupuncture with traumatology manipulation, with oral medication'],
  ['CH01', 'procedure', 'tcm', 'Cupping'],
  ['CH03', 'procedure', 'tcm', 'Heat therapy (including infrared)'],
  ['CH06', 'procedure', 'tcm', 'Moxibustion'],
  // Hospital stays (住院)
  ['02006K', 'fee', 'inpatient', 'Inpatient physician fee, general bed, medical centre (per day)'],
  ['02007A', 'fee', 'inpatient', 'Inpatient physician fee, general bed, regional hospital (per day)'],
  ['02008B', 'fee', 'inpatient', 'Inpatient physician fee, general bed, district hospital (per day)'],
  ['03001K', 'fee', 'inpatient', 'Acute general bed, ward fee, medical centre (per day)'],
  ['03002A', 'fee', 'inpatient', 'Acute general bed, ward fee, regional hospital (per day)'],
  ['03004B', 'fee', 'inpatient', 'Acute general bed, bed fee, district hospital (per day)'],
  ['03026K', 'fee', 'inpatient', 'Acute general bed, nursing fee from day 2, medical centre (per day)'],
  ['03027A', 'fee', 'inpatient', 'Acute general bed, nursing fee from day 2, regional hospital (per day)'],
  ['03029B', 'fee', 'inpatient', 'Acute general bed, nursing fee from day 2, district hospital (per day)'],
  ['02025B', 'fee', 'inpatient', 'Discharge planning and follow-up'],
  ['58001C', 'procedure', 'inpatient', 'Haemodialysis (per session), inpatient'],
  ['47032B', 'procedure', 'inpatient', 'ECG monitoring (per day)'],
  // Surgery (手術)
  ['64164B', 'procedure', 'surgery', 'Total knee replacement'],
  ['64029B', 'procedure', 'surgery', 'Open reduction of femoral neck fracture'],
  ['75215B', 'procedure', 'surgery', 'Laparoscopic cholecystectomy'],
  ['74004B', 'procedure', 'surgery', 'Laparoscopic appendectomy'],
  ['75607C', 'procedure', 'surgery', 'Inguinal hernia repair without bowel resection'],
  ['86008C', 'procedure', 'surgery', 'Lens extraction with intraocular lens implantation'],
  ['18020B', 'procedure', 'surgery', 'Cardiac catheterisation, one side'],
  ['33076B', 'procedure', 'surgery', 'Percutaneous coronary angioplasty, one vessel'],
  ['79411B', 'procedure', 'surgery', 'Transurethral resection of the prostate (15–50 g)'],
  // Preventive services and screening (預防保健)
  ['21', 'fee', 'preventive', 'Adult preventive health check, age 40–64, every 3 years (stage 1)'],
  ['22', 'fee', 'preventive', 'Adult preventive health check, age 65+, yearly (stage 1)'],
  ['23', 'fee', 'preventive', 'Adult preventive health check, age 40–64, every 3 years (stage 2)'],
  ['24', 'fee', 'preventive', 'Adult preventive health check, age 65+, yearly (stage 2)'],
  ['31', 'fee', 'preventive', 'Cervical smear sampling and pelvic examination'],
  ['33', 'fee', 'preventive', 'Cervical cytopathology'],
  ['91', 'fee', 'preventive', 'Mammography'],
  ['85', 'fee', 'preventive', 'Faecal immunochemical test (quantitative)'],
  ['95', 'fee', 'preventive', 'Oral mucosa examination, age 30+ with betel-nut chewing or smoking, every 2 years'],
  ['A2001C', 'fee', 'preventive', 'Influenza vaccination administration fee'],
  ['A3001C', 'fee', 'preventive', 'Pneumococcal vaccination administration fee, age 65+'],
  // Care programmes (照護計畫)
  ['P1407C', 'fee', 'care_program', 'Diabetes shared care, stage 1, new enrolment'],
  ['P1408C', 'fee', 'care_program', 'Diabetes shared care, stage 1, follow-up'],
  ['P1409C', 'fee', 'care_program', 'Diabetes shared care, stage 1, annual assessment'],
];

/** [code, formula (方名), English (pinyin) name, typical grams a day] */
const HERBS = [
  ['A011392', '加味逍遙散', 'Jia Wei Xiao Yao San', 12],
  ['A011595', '小青龍湯', 'Xiao Qing Long Tang', 12],
  ['A011376', '葛根湯', 'Ge Gen Tang', 12],
  ['A011395', '六味地黃丸', 'Liu Wei Di Huang Wan', 9],
  ['A011382', '補中益氣湯', 'Bu Zhong Yi Qi Tang', 12],
  ['A011639', '香砂六君子湯', 'Xiang Sha Liu Jun Zi Tang', 12],
  ['A011539', '麻杏甘石湯', 'Ma Xing Gan Shi Tang', 9],
  ['A013951', '辛夷清肺湯', 'Xin Yi Qing Fei Tang', 12],
  ['A011287', '獨活寄生湯', 'Du Huo Ji Sheng Tang', 12],
  ['A011374', '知柏地黃丸', 'Zhi Bai Di Huang Wan', 9],
  ['A011587', '銀翹散', 'Yin Qiao San', 12],
  ['A012717', '川芎茶調散', 'Chuan Xiong Cha Tiao San', 9],
  ['A011391', '半夏瀉心湯', 'Ban Xia Xie Xin Tang', 12],
  ['A011388', '桂枝茯苓丸', 'Gui Zhi Fu Ling Wan', 9],
  ['A011383', '天王補心丹', 'Tian Wang Bu Xin Dan', 9],
  ['A011534', '酸棗仁湯', 'Suan Zao Ren Tang', 9],
  ['A033680', '血府逐瘀湯', 'Xue Fu Zhu Yu Tang', 12],
  ['A011385', '疏經活血湯', 'Shu Jing Huo Xue Tang', 12],
  ['A011359', '甘露飲', 'Gan Lu Yin', 12],
  ['A011511', '清上防風湯', 'Qing Shang Fang Feng Tang', 9],
  ['A012026', '杞菊地黃丸', 'Qi Ju Di Huang Wan', 9],
  ['A011394', '歸脾湯', 'Gui Pi Tang', 12],
  ['A012092', '當歸芍藥散', 'Dang Gui Shao Yao San', 9],
  ['A011393', '桑菊飲', 'Sang Ju Yin', 9],
  ['A043907', '止嗽散', 'Zhi Sou San', 9],
  ['A012105', '平胃散', 'Ping Wei San', 9],
  ['A011288', '濟生腎氣丸', 'Ji Sheng Shen Qi Wan', 9],
  ['A011380', '芍藥甘草湯', 'Shao Yao Gan Cao Tang', 6],
  ['A032289', '丹參', 'Dan Shen (Salvia root)', 3],
  ['A031916', '黃耆', 'Huang Qi (Astragalus root)', 3],
  ['A033816', '葛根', 'Ge Gen (Pueraria root)', 3],
  ['A033814', '杜仲', 'Du Zhong (Eucommia bark)', 3],
  ['A033819', '川芎', 'Chuan Xiong (Ligusticum rhizome)', 2],
  ['A032034', '延胡索', 'Yan Hu Suo (Corydalis rhizome)', 2],
];

function conceptsOf(file) {
  const json = JSON.parse(readFileSync(path.join(igDir, file), 'utf8'));
  return new Map(json.concept.map((c) => [c.code, c.display]));
}

function requireDisplay(concepts, code, file) {
  const display = concepts.get(code);
  if (typeof display !== 'string' || display.length === 0) throw new Error(`${code} has no display in ${file}`);
  return display;
}

const q = (s) => `'${s.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
const header = (source) =>
  `// Generated by packages/records/scripts/extract-ig-codes.mjs from TW Core IG ${source}. Do not edit.\n`;

const ordersFile = 'CodeSystem-medical-service-payment-tw.json';
const orders = conceptsOf(ordersFile);
const orderLines = NHI_ORDERS.map(([code, kind, group, en]) => {
  const zh = requireDisplay(orders, code, ordersFile);
  return `  { code: ${q(code)}, kind: ${q(kind)}, group: ${q(group)}, zh: ${q(zh)}, en: ${q(en)} },`;
});
writeFileSync(
  path.join(outDir, 'nhi-orders.generated.ts'),
  `${header(ordersFile)}import type { NhiOrderEntry } from './nhi-orders.js';\n\n` +
    `export const NHI_ORDER_DATA: readonly NhiOrderEntry[] = [\n${orderLines.join('\n')}\n];\n`,
);

const herbsFile = 'CodeSystem-nhi-medication-ch-herb-tw.json';
const herbs = conceptsOf(herbsFile);
const herbLines = HERBS.map(([code, formula, en, gramsPerDay]) => {
  const display = requireDisplay(herbs, code, herbsFile);
  if (!display.includes(formula)) throw new Error(`${code} (${display}) is not ${formula}`);
  return `  { code: ${q(code)}, display: ${q(display)}, formula: ${q(formula)}, en: ${q(en)}, gramsPerDay: ${gramsPerDay} },`;
});
writeFileSync(
  path.join(outDir, 'herbs.generated.ts'),
  `${header(herbsFile)}import type { HerbEntry } from './herbs.js';\n\n` +
    `export const HERB_DATA: readonly HerbEntry[] = [\n${herbLines.join('\n')}\n];\n`,
);

console.log(`wrote ${NHI_ORDERS.length} NHI orders and ${HERBS.length} herbal preparations to ${outDir}`);
