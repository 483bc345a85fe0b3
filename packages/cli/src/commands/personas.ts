import { listPersonas } from '@healthbank/server/db';
import { withDatabase } from '../database.js';
import type { CliIo } from '../io.js';
import { writeJson } from '../io.js';

/** Persona name → national ID; the workplace persona maps to its employees' IDs. */
export async function personasCommand(io: CliIo, opts: { database?: string }): Promise<void> {
  const personas = await withDatabase(io, opts.database, listPersonas, { existing: true });
  const out: Record<string, string | string[]> = {};
  for (const { persona, nationalId } of personas) {
    if (persona === 'C職場') out[persona] = [...((out[persona] as string[] | undefined) ?? []), nationalId];
    else out[persona] = nationalId;
  }
  writeJson(io, out);
}
