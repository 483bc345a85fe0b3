/**
 * The sandbox persona picker's data: A小姐, B爺爺 and a few C職場 employees, as stored.
 */
import type { PersonaName } from '@healthbank/records';
import { type Database, findCitizenByNationalId, listPersonas } from '../../../db/index.js';

/** C職場 has sixty employees; the picker shows the first few. */
export const PICKER_EMPLOYEES = 3;

export interface PersonaChoice {
  persona: PersonaName;
  nationalId: string;
  name: string;
}

/** The personas the picker offers, in persona order. */
export async function personaChoices(db: Database): Promise<PersonaChoice[]> {
  const all = await listPersonas(db);
  const employees = all.filter((p) => p.persona === 'C職場').slice(0, PICKER_EMPLOYEES);
  const picked = [...all.filter((p) => p.persona !== 'C職場'), ...employees];
  const citizens = await Promise.all(picked.map((p) => findCitizenByNationalId(db, p.nationalId, { synthetic: true })));
  return picked.flatMap((p, i) => {
    const citizen = citizens[i];
    return citizen ? [{ persona: p.persona, nationalId: p.nationalId, name: citizen.name }] : [];
  });
}
