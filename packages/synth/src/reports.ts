/**
 * Imaging and pathology reports (r8), worded as Taiwanese hospitals write them: the findings in
 * English, often with a Chinese impression or recommendation.
 */
import type { ImagingPathologyRecord } from '@healthbank/records';
import { type Chart, institution, orderCoding } from './chart.js';
import { instantOf, isoOf } from './days.js';
import type { Facility } from './institutions.js';
import type { Rng } from './rng.js';

export type ReportTopic =
  | 'chest_normal'
  | 'chest_pneumonia'
  | 'chest_heart_failure'
  | 'abdomen_normal'
  | 'abdomen_fatty_liver'
  | 'abdomen_hbv'
  | 'abdomen_gallstone'
  | 'knee_oa'
  | 'spine'
  | 'hip_fracture'
  | 'echo_heart_failure'
  | 'echo_normal'
  | 'ct_brain_infarct'
  | 'breast_followup'
  | 'mammography_diagnostic'
  | 'colonoscopy_polyp'
  | 'colonoscopy_normal'
  | 'pathology_adenoma'
  | 'panendoscopy'
  | 'dxa_osteoporosis'
  | 'pathology_gallbladder'
  | 'pathology_appendix'
  | 'thyroid_nodule';

interface Template {
  readonly order: string;
  readonly kind: 'imaging' | 'pathology';
  readonly text: (rng: Rng) => string;
}

const f1 = (rng: Rng, lo: number, hi: number) => rng.uniform(lo, hi).toFixed(1);

const TEMPLATES: Readonly<Record<ReportTopic, Template>> = {
  chest_normal: {
    order: '32001C',
    kind: 'imaging',
    text: (rng) =>
      `Chest PA view:\n1. No active lung lesion.\n2. Heart size is within normal limit.\n3. ${rng.pick(['Bony thorax is intact.', 'Mild degenerative change of the thoracic spine.', 'Aortic knob calcification.'])}\nIMP: No significant abnormality.`,
  },
  chest_pneumonia: {
    order: '32001C',
    kind: 'imaging',
    text: (rng) =>
      `Chest PA view:\n1. Patchy consolidation in the ${rng.pick(['right lower', 'left lower', 'right middle'])} lung field, suggestive of pneumonia.\n2. ${rng.pick(['Heart size is within normal limit.', 'Borderline cardiomegaly.'])}\n3. No pleural effusion.\nIMP: Pneumonia. 建議治療後追蹤胸部X光。`,
  },
  chest_heart_failure: {
    order: '32001C',
    kind: 'imaging',
    text: (rng) =>
      `Chest PA view:\n1. Cardiomegaly (CTR ${rng.uniform(0.55, 0.65).toFixed(2)}).\n2. Increased interstitial markings with pulmonary congestion.\n3. Blunting of bilateral costophrenic angles, suggestive of pleural effusion.\nIMP: Congestive heart failure with bilateral pleural effusion.`,
  },
  abdomen_normal: {
    order: '19001C',
    kind: 'imaging',
    text: () =>
      'Abdominal sonography:\nLiver: normal size with homogeneous echotexture, no focal lesion.\nGB: no stone, wall not thickened.\nCBD: not dilated.\nPancreas: unremarkable.\nSpleen: not enlarged.\nBoth kidneys: normal size, no hydronephrosis.\nImpression: Normal abdominal sonography.',
  },
  abdomen_fatty_liver: {
    order: '19001C',
    kind: 'imaging',
    text: (rng) =>
      `Abdominal sonography:\nLiver: increased parenchymal echogenicity with posterior attenuation, no focal lesion.\nGB: ${rng.pick(['no stone.', 'a small polyp, 0.3 cm.'])}\nSpleen: not enlarged.\nKidneys: no hydronephrosis.\nImpression: ${rng.pick(['Mild', 'Moderate'])} fatty liver. 建議控制體重並追蹤肝功能。`,
  },
  abdomen_hbv: {
    order: '19009C',
    kind: 'imaging',
    text: (rng) =>
      `Abdominal sonography (follow-up):\nLiver: ${rng.pick(['coarse', 'slightly coarse'])} parenchymal echotexture, no space-occupying lesion.\nPortal vein: patent.\nSpleen: ${rng.pick(['not enlarged', 'mild splenomegaly, 11.5 cm'])}.\nNo ascites.\nImpression: Chronic parenchymal liver disease, no evidence of hepatoma. 建議六個月後追蹤腹部超音波及AFP。`,
  },
  abdomen_gallstone: {
    order: '19001C',
    kind: 'imaging',
    text: (rng) =>
      `Abdominal sonography:\nGB: ${rng.pick(['an echogenic stone', 'multiple echogenic stones'])} with acoustic shadow, up to ${f1(rng, 0.8, 2.2)} cm; wall thickening with positive sonographic Murphy's sign.\nCBD: not dilated.\nLiver: no focal lesion.\nImpression: Cholelithiasis with acute cholecystitis.`,
  },
  knee_oa: {
    order: '32017C',
    kind: 'imaging',
    text: (rng) =>
      `Both knees AP and lateral views:\n1. Joint space narrowing, ${rng.pick(['medial', 'medial and patellofemoral'])} compartment, with marginal osteophytes.\n2. Subchondral sclerosis.\n3. No fracture.\nIMP: Degenerative osteoarthritis of both knees, Kellgren-Lawrence grade ${rng.pick(['II', 'III', 'III', 'IV'])}.`,
  },
  spine: {
    order: '32011C',
    kind: 'imaging',
    text: (rng) =>
      `L-spine AP and lateral views:\n1. Spondylosis with marginal spurs at ${rng.pick(['L3-L5', 'L2-L5', 'L4-S1'])}.\n2. ${rng.pick(['Mild disc space narrowing at L4-5.', 'Grade I spondylolisthesis of L4 on L5.', 'No compression fracture.'])}\nIMP: Lumbar spondylosis.`,
  },
  hip_fracture: {
    order: '32022C',
    kind: 'imaging',
    text: (rng) =>
      `Pelvis AP and ${rng.pick(['right', 'left'])} hip lateral views:\n1. Displaced fracture of the femoral neck.\n2. Osteopenia.\nIMP: Femoral neck fracture. 請骨科會診。`,
  },
  echo_heart_failure: {
    order: '18005C',
    kind: 'imaging',
    text: (rng) =>
      `Echocardiography:\nLA: dilated (${f1(rng, 4.2, 5.0)} cm). LV: dilated with global hypokinesia.\nLVEF: ${rng.int(28, 40)}% (M-mode).\nValves: ${rng.pick(['moderate MR', 'mild MR and mild TR', 'moderate MR, mild AR'])}.\nNo pericardial effusion.\nConclusion: Dilated cardiomyopathy with reduced LV systolic function.`,
  },
  echo_normal: {
    order: '18005C',
    kind: 'imaging',
    text: (rng) =>
      `Echocardiography:\nChamber size: within normal limits.\nLVEF: ${rng.int(58, 72)}% (M-mode).\nValves: ${rng.pick(['trivial MR', 'mild TR', 'no significant valvular disease'])}.\nLV diastolic dysfunction, grade I.\nConclusion: Preserved LV systolic function.`,
  },
  ct_brain_infarct: {
    order: '33070B',
    kind: 'imaging',
    text: (rng) =>
      `Brain CT without contrast:\n1. Hypodense lesion at ${rng.pick(['left corona radiata', 'right basal ganglia', 'left MCA territory', 'right thalamus'])}, compatible with acute infarction.\n2. No intracranial hemorrhage.\n3. Mild brain atrophy with small vessel disease.\nIMP: Acute cerebral infarction.`,
  },
  breast_followup: {
    order: '19014C',
    kind: 'imaging',
    text: (rng) =>
      `Bilateral breast sonography:\nA ${f1(rng, 0.5, 1.4)} cm well-circumscribed hypoechoic nodule at ${rng.pick(['right', 'left'])} breast ${rng.int(1, 12)} o'clock, parallel orientation.\nNo axillary lymphadenopathy.\nBI-RADS category 3, probably benign. 建議六個月後追蹤乳房超音波。`,
  },
  mammography_diagnostic: {
    order: '33145B',
    kind: 'imaging',
    text: (rng) =>
      `Diagnostic mammography (CC and MLO views):\nBreast composition: heterogeneously dense.\n${rng.pick(['Grouped amorphous microcalcifications at right upper outer quadrant.', 'An oval circumscribed mass at left upper outer quadrant, 1.0 cm.', 'Focal asymmetry at right breast, resolved on spot compression.'])}\nBI-RADS category ${rng.pick(['2, benign', '3, probably benign', '4A, low suspicion'])}.`,
  },
  colonoscopy_polyp: {
    order: '28017C',
    kind: 'imaging',
    text: (rng) =>
      `Colonoscopy:\nThe scope was inserted to the cecum. Bowel preparation: fair.\nA ${f1(rng, 0.4, 1.2)} cm ${rng.pick(['sessile', 'pedunculated'])} polyp at ${rng.pick(['sigmoid colon', 'descending colon', 'ascending colon', 'rectum'])}, removed by cold snare polypectomy; specimen sent for pathology.\nInternal hemorrhoids, grade I.\nImpression: Colon polyp s/p polypectomy.`,
  },
  colonoscopy_normal: {
    order: '28017C',
    kind: 'imaging',
    text: () =>
      'Colonoscopy:\nThe scope was inserted to the cecum. Bowel preparation: good.\nNo polyp, tumor or bleeding lesion.\nInternal hemorrhoids, grade I.\nImpression: No significant lesion. 糞便潛血陽性可能源自痔瘡出血，建議五年後再評估。',
  },
  pathology_adenoma: {
    order: '25003C',
    kind: 'pathology',
    text: (rng) =>
      `Colon, ${rng.pick(['sigmoid', 'descending', 'ascending'])}, polypectomy:\n- ${rng.pick(['Tubular adenoma, low-grade dysplasia', 'Tubular adenoma, low-grade dysplasia', 'Hyperplastic polyp', 'Sessile serrated lesion without dysplasia'])}.\nMicroscopic: The sections show colonic mucosa with the lesion described; resection margin free.`,
  },
  panendoscopy: {
    order: '28016C',
    kind: 'imaging',
    text: (rng) =>
      `Panendoscopy:\nEsophagus: ${rng.pick(['LA grade A reflux esophagitis', 'LA grade B reflux esophagitis', 'normal mucosa'])}.\nStomach: ${rng.pick(['superficial gastritis at antrum', 'erosive gastritis at antrum', 'a 0.5 cm healing ulcer at angle'])}.\nDuodenum: no ulcer.\nCLO test: ${rng.pick(['negative', 'negative', 'positive'])}.\nImpression: GERD with gastritis.`,
  },
  dxa_osteoporosis: {
    order: '33064B',
    kind: 'imaging',
    text: (rng) =>
      `Bone densitometry (DXA):\nL1-L4 BMD ${rng.uniform(0.68, 0.82).toFixed(3)} g/cm2, T-score ${rng.uniform(-3.4, -2.5).toFixed(1)}.\nLeft femoral neck T-score ${rng.uniform(-3, -1.8).toFixed(1)}.\nImpression: Osteoporosis (WHO criteria). 骨折風險增加，建議治療。`,
  },
  pathology_gallbladder: {
    order: '25003C',
    kind: 'pathology',
    text: () =>
      'Gallbladder, laparoscopic cholecystectomy:\n- Acute on chronic cholecystitis with cholelithiasis.\nGross: The gallbladder measures 8.5 x 3.2 cm with thickened wall; several yellowish stones are found.',
  },
  pathology_appendix: {
    order: '25002C',
    kind: 'pathology',
    text: (rng) =>
      `Appendix, laparoscopic appendectomy:\n- Acute ${rng.pick(['suppurative', 'phlegmonous', 'gangrenous'])} appendicitis with periappendicitis.`,
  },
  thyroid_nodule: {
    order: '19012C',
    kind: 'imaging',
    text: (rng) =>
      `Thyroid sonography:\nA ${f1(rng, 0.4, 1.5)} cm solid ${rng.pick(['isoechoic', 'hypoechoic'])} nodule at ${rng.pick(['right', 'left'])} lobe, wider than tall, smooth margin, no microcalcification.\nNo cervical lymphadenopathy.\nImpression: Thyroid nodule, TI-RADS ${rng.pick(['2', '3'])}. 建議一年後追蹤。`,
  },
};

/**
 * Adds an imaging or pathology report dated `day` (the examination), reported a few days later but
 * never after `latest`; returns the examination's order code for the visit.
 */
export function addReport(
  chart: Chart,
  rng: Rng,
  day: number,
  facility: Facility,
  topic: ReportTopic,
  latest: number,
): string {
  const t = TEMPLATES[topic];
  const reportDay = Math.min(latest, day + (t.kind === 'pathology' ? rng.int(3, 7) : rng.int(0, 3)));
  const record: ImagingPathologyRecord = {
    id: chart.nextId(),
    date: isoOf(day),
    category: 'imaging_pathology',
    kind: t.kind,
    institution: institution(facility),
    reportDate: isoOf(reportDay),
    reportedAt: instantOf(reportDay, rng.int(8 * 60, 21 * 60)),
    order: orderCoding(t.order),
    reportText: t.text(rng),
  };
  chart.push(record);
  return t.order;
}
