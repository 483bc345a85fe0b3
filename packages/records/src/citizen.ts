import * as z from 'zod';
import { isValidNationalId } from './identifiers/national-id.js';
import type { HealthRecord } from './record.js';

export const PERSONA_NAMES = ['A小姐', 'B爺爺', 'C職場'] as const;
export type PersonaName = (typeof PERSONA_NAMES)[number];

export const citizenSchema = z.object({
  nationalId: z.string().refine(isValidNationalId, 'invalid national ID'),
  /** 健保卡號: the 12-digit number printed on the NHI card. */
  nhiCardNumber: z.string().regex(/^\d{12}$/),
  name: z.string().min(1),
  sex: z.enum(['female', 'male']),
  birthDate: z.iso.date(),
  /** County or city (縣市) and township (鄉鎮市區) of residence, in Chinese. */
  county: z.string().min(1),
  township: z.string().min(1),
  /** Set for the fixed personas of the sandbox (SPEC §4.5). */
  persona: z.enum(PERSONA_NAMES).optional(),
  /** 統一編號 of the employer, for the workplace-health persona's employees. */
  employerUbn: z
    .string()
    .regex(/^\d{8}$/)
    .optional(),
});
export type Citizen = z.infer<typeof citizenSchema>;

/** One citizen with all their records, as the generator yields and the store ingests them. */
export interface CitizenRecords {
  citizen: Citizen;
  records: HealthRecord[];
}
