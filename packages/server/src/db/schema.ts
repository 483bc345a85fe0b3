/**
 * Kysely's view of the tables. Column names are snake_case as stored; repositories map rows to
 * the domain types of `@healthbank/records`.
 */
import type { CategoryId, Citizen, PersonaName } from '@healthbank/records';
import type { ColumnType, Generated } from 'kysely';

export interface CitizensTable {
  /** Internal surrogate key; never leaves the platform (apps see pairwise subjects). */
  id: Generated<number>;
  national_id: string;
  nhi_card_number: string;
  name: string;
  sex: Citizen['sex'];
  birth_date: string;
  county: string;
  township: string;
  persona: PersonaName | null;
  employer_ubn: string | null;
  /** 1: generated (sandbox only); 0: loaded from NHI (production only). Migration 0014. */
  synthetic: ColumnType<number, number | undefined, number>;
}

export interface RecordsTable {
  /** The record's own id (`HealthRecord.id`). */
  id: string;
  citizen_id: number;
  category: CategoryId;
  /** `YYYY-MM-DD`; text so that both databases compare it alike and the payload stays verbatim. */
  date: string;
  /** 醫事機構代碼, null for categories without an institution (care wishes, some allergies). */
  institution_code: string | null;
  /**
   * The record's JSON after its id, date and category, which are the columns above
   * (db/record-json.ts: `storedPayload` writes it, `recordJson` reads the whole record back).
   */
  payload: string;
}

export interface Schema {
  citizens: CitizensTable;
  records: RecordsTable;
}
