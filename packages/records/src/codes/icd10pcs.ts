/**
 * Curated ICD-10-PCS procedure codes (健保署 2023 年中文版 ICD-10-PCS, following ICD-10-PCS
 * FY2023): seven characters, each a position in the PCS tables (section, body system, root
 * operation, body part, approach, device, qualifier). Chosen for outpatient procedures, dentistry,
 * TCM, imaging and common inpatient surgery in Taiwan.
 */
import { indexByCode } from './lookup.js';

export interface Icd10PcsEntry {
  readonly code: string;
  readonly zh: string;
  readonly en: string;
}

type Row = readonly [code: string, zh: string, en: string];

const ROWS: readonly Row[] = [
  // Surgery, inpatient
  [
    '0SRC0J9',
    '右側膝關節置換術，使用合成替代物，骨水泥固定，開放式',
    'Replacement of Right Knee Joint with Synthetic Substitute, Cemented, Open Approach',
  ],
  [
    '0SRD0J9',
    '左側膝關節置換術，使用合成替代物，骨水泥固定，開放式',
    'Replacement of Left Knee Joint with Synthetic Substitute, Cemented, Open Approach',
  ],
  [
    '0SR90J9',
    '右側髖關節置換術，使用合成替代物，骨水泥固定，開放式',
    'Replacement of Right Hip Joint with Synthetic Substitute, Cemented, Open Approach',
  ],
  [
    '0SRR0J9',
    '右側髖關節股骨面置換術(半髖)，骨水泥固定，開放式',
    'Replacement of Right Hip Joint, Femoral Surface with Synthetic Substitute, Cemented, Open Approach',
  ],
  [
    '0SRS0J9',
    '左側髖關節股骨面置換術(半髖)，骨水泥固定，開放式',
    'Replacement of Left Hip Joint, Femoral Surface with Synthetic Substitute, Cemented, Open Approach',
  ],
  [
    '0QS634Z',
    '右側股骨上端復位術，使用內固定裝置，經皮',
    'Reposition Right Upper Femur with Internal Fixation Device, Percutaneous Approach',
  ],
  [
    '0QS604Z',
    '右側股骨上端復位術，使用內固定裝置，開放式',
    'Reposition Right Upper Femur with Internal Fixation Device, Open Approach',
  ],
  [
    '0QS734Z',
    '左側股骨上端復位術，使用內固定裝置，經皮',
    'Reposition Left Upper Femur with Internal Fixation Device, Percutaneous Approach',
  ],
  ['0FT44ZZ', '膽囊切除術，經皮內視鏡(腹腔鏡)', 'Resection of Gallbladder, Percutaneous Endoscopic Approach'],
  ['0DTJ4ZZ', '闌尾切除術，經皮內視鏡(腹腔鏡)', 'Resection of Appendix, Percutaneous Endoscopic Approach'],
  [
    '0YU50JZ',
    '右側鼠蹊部補強術，使用合成替代物，開放式',
    'Supplement Right Inguinal Region with Synthetic Substitute, Open Approach',
  ],
  ['0YQ50ZZ', '右側鼠蹊部修補術，開放式', 'Repair Right Inguinal Region, Open Approach'],
  [
    '08RJ3JZ',
    '右眼水晶體置換術，使用合成替代物，經皮',
    'Replacement of Right Lens with Synthetic Substitute, Percutaneous Approach',
  ],
  [
    '08RK3JZ',
    '左眼水晶體置換術，使用合成替代物，經皮',
    'Replacement of Left Lens with Synthetic Substitute, Percutaneous Approach',
  ],
  [
    '027034Z',
    '冠狀動脈擴張術，一條動脈，使用藥物釋放支架，經皮',
    'Dilation of Coronary Artery, One Artery with Drug-eluting Intraluminal Device, Percutaneous Approach',
  ],
  [
    '4A023N7',
    '左心取樣及壓力測量，經皮(左心導管)',
    'Measurement of Cardiac Sampling and Pressure, Left Heart, Percutaneous Approach',
  ],
  [
    'B2111ZZ',
    '多條冠狀動脈螢光攝影，使用低滲透壓顯影劑',
    'Fluoroscopy of Multiple Coronary Arteries using Low Osmolar Contrast',
  ],
  [
    '0VT08ZZ',
    '攝護腺切除術，經自然或人工開口內視鏡(經尿道)',
    'Resection of Prostate, Via Natural or Artificial Opening Endoscopic',
  ],
  ['06BY0ZC', '痔靜脈叢切除術，開放式', 'Excision of Lower Vein, Open Approach, Hemorrhoidal Plexus'],
  ['01N50ZZ', '正中神經鬆解術，開放式', 'Release Median Nerve, Open Approach'],
  ['0SJC4ZZ', '右側膝關節檢查，經皮內視鏡(關節鏡)', 'Inspection of Right Knee Joint, Percutaneous Endoscopic Approach'],
  ['0CTPXZZ', '扁桃腺切除術，體外', 'Resection of Tonsils, External Approach'],
  ['0TF3XZZ', '右側腎盂碎石術，體外(體外震波碎石)', 'Fragmentation in Right Kidney Pelvis, External Approach'],
  ['10D00Z1', '剖腹產(子宮下段)', 'Extraction of Products of Conception, Low, Open Approach'],
  ['10E0XZZ', '自然生產', 'Delivery of Products of Conception, External Approach'],
  // Inpatient support
  [
    '5A1D70Z',
    '間歇性泌尿過濾(血液透析)，每日少於6小時',
    'Performance of Urinary Filtration, Intermittent, Less than 6 Hours Per Day',
  ],
  ['5A1935Z', '呼吸器使用，連續少於24小時', 'Respiratory Ventilation, Less than 24 Consecutive Hours'],
  ['5A1955Z', '呼吸器使用，連續超過96小時', 'Respiratory Ventilation, Greater than 96 Consecutive Hours'],
  [
    '0BH17EZ',
    '氣管內管置入，經自然或人工開口',
    'Insertion of Endotracheal Airway into Trachea, Via Natural or Artificial Opening',
  ],
  [
    '02HV33Z',
    '上腔靜脈輸液裝置置入，經皮(中心靜脈導管)',
    'Insertion of Infusion Device into Superior Vena Cava, Percutaneous Approach',
  ],
  [
    '0T9B70Z',
    '膀胱引流，使用引流裝置，經自然或人工開口(導尿管)',
    'Drainage of Bladder with Drainage Device, Via Natural or Artificial Opening',
  ],
  [
    '0DH67UZ',
    '胃內餵食裝置置入，經自然或人工開口(鼻胃管)',
    'Insertion of Feeding Device into Stomach, Via Natural or Artificial Opening',
  ],
  [
    '0W9930Z',
    '右側肋膜腔引流，使用引流裝置，經皮',
    'Drainage of Right Pleural Cavity with Drainage Device, Percutaneous Approach',
  ],
  [
    '30233N1',
    '非自體紅血球輸注，周邊靜脈，經皮',
    'Transfusion of Nonautologous Red Blood Cells into Peripheral Vein, Percutaneous Approach',
  ],
  [
    '3E03317',
    '周邊靜脈注射其他血栓溶解劑，經皮',
    'Introduction of Other Thrombolytic into Peripheral Vein, Percutaneous Approach',
  ],
  // Endoscopy and outpatient procedures
  [
    '0DJ08ZZ',
    '上消化道檢查，經自然或人工開口內視鏡(胃鏡)',
    'Inspection of Upper Intestinal Tract, Via Natural or Artificial Opening Endoscopic',
  ],
  [
    '0DJD8ZZ',
    '下消化道檢查，經自然或人工開口內視鏡(大腸鏡)',
    'Inspection of Lower Intestinal Tract, Via Natural or Artificial Opening Endoscopic',
  ],
  [
    '0DB68ZX',
    '胃切片，經自然或人工開口內視鏡，診斷性',
    'Excision of Stomach, Via Natural or Artificial Opening Endoscopic, Diagnostic',
  ],
  [
    '0DBN8ZX',
    '乙狀結腸切片，經自然或人工開口內視鏡，診斷性',
    'Excision of Sigmoid Colon, Via Natural or Artificial Opening Endoscopic, Diagnostic',
  ],
  [
    '0DBK8ZZ',
    '升結腸切除(息肉切除)，經自然或人工開口內視鏡',
    'Excision of Ascending Colon, Via Natural or Artificial Opening Endoscopic',
  ],
  [
    '0TJB8ZZ',
    '膀胱檢查，經自然或人工開口內視鏡(膀胱鏡)',
    'Inspection of Bladder, Via Natural or Artificial Opening Endoscopic',
  ],
  ['0HQ1XZZ', '臉部皮膚修補術(縫合)，體外', 'Repair Face Skin, External Approach'],
  ['0HQFXZZ', '右手皮膚修補術(縫合)，體外', 'Repair Right Hand Skin, External Approach'],
  ['0H9KXZZ', '右小腿皮膚引流，體外', 'Drainage of Right Lower Leg Skin, External Approach'],
  ['0HB6XZZ', '背部皮膚切除，體外', 'Excision of Back Skin, External Approach'],
  [
    '3E0234Z',
    '肌肉注射血清、類毒素及疫苗，經皮',
    'Introduction of Serum, Toxoid and Vaccine into Muscle, Percutaneous Approach',
  ],
  ['4A02X4Z', '心臟電氣活動測量，體外(心電圖)', 'Measurement of Cardiac Electrical Activity, External Approach'],
  ['8E0H30Z', '針灸，經皮', 'Acupuncture, Integumentary System and Breast, Percutaneous Approach'],
  // Dental
  ['0CDWXZ0', '上顎牙齒拔除，單顆，體外', 'Extraction of Upper Tooth, Single, External Approach'],
  ['0CDXXZ0', '下顎牙齒拔除，單顆，體外', 'Extraction of Lower Tooth, Single, External Approach'],
  ['0CDXXZ1', '下顎牙齒拔除，多顆，體外', 'Extraction of Lower Tooth, Multiple, External Approach'],
  ['0CQWXZ0', '上顎牙齒修補(充填)，單顆，體外', 'Repair Upper Tooth, Single, External Approach'],
  ['0CQXXZ0', '下顎牙齒修補(充填)，單顆，體外', 'Repair Lower Tooth, Single, External Approach'],
  ['0C9WXZZ', '上顎牙齒引流(根管治療)，體外', 'Drainage of Upper Tooth, External Approach'],
  ['0C9XXZZ', '下顎牙齒引流(根管治療)，體外', 'Drainage of Lower Tooth, External Approach'],
  ['0CCWXZ2', '上顎全口牙齒異物清除(洗牙)，體外', 'Extirpation of Matter from Upper Tooth, All, External Approach'],
  ['0CCXXZ2', '下顎全口牙齒異物清除(洗牙)，體外', 'Extirpation of Matter from Lower Tooth, All, External Approach'],
  ['0CB5XZZ', '上顎牙齦切除，體外', 'Excision of Upper Gingiva, External Approach'],
  // Imaging
  ['BW03ZZZ', '胸部X光攝影', 'Plain Radiography of Chest'],
  ['B020ZZZ', '腦部電腦斷層攝影', 'Computerized Tomography (CT Scan) of Brain'],
  ['B030ZZZ', '腦部磁振造影', 'Magnetic Resonance Imaging (MRI) of Brain'],
  ['BW40ZZZ', '腹部超音波', 'Ultrasonography of Abdomen'],
  ['BH42ZZZ', '雙側乳房超音波', 'Ultrasonography of Bilateral Breasts'],
  ['BH02ZZZ', '雙側乳房X光攝影', 'Plain Radiography of Bilateral Breasts'],
  ['B246ZZZ', '左右心臟超音波', 'Ultrasonography of Right and Left Heart'],
];

/** The curated ICD-10-PCS codes with Chinese and English names. */
export const ICD10PCS: readonly Icd10PcsEntry[] = ROWS.map(([code, zh, en]) => ({ code, zh, en }));

const index = indexByCode('ICD-10-PCS', ICD10PCS);

/**
 * The ICD-10-PCS entry with this code; throws a RangeError for a code outside the curated list.
 * @example icd10pcs('0SRC0J9').en // 'Replacement of Right Knee Joint with Synthetic Substitute, Cemented, Open Approach'
 */
export function icd10pcs(code: string): Icd10PcsEntry {
  return index.get(code);
}

/** ICD-10-PCS code shape: seven characters from digits and letters other than I and O. */
export const ICD10PCS_PATTERN = /^[0-9A-HJ-NP-Z]{7}$/;
