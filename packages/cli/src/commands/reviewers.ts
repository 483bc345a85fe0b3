import type { Database } from '@healthbank/server/db';
import { withDatabase } from '../database.js';
import { CliError } from '../errors.js';
import type { CliIo } from '../io.js';

/**
 * Adds a reviewer (the console's first admin comes from here: nobody can grant access before one
 * exists). With `--organisation`, the reviewer cannot decide that organisation's applications.
 */
export async function reviewersAddCommand(
  io: CliIo,
  email: string,
  opts: { name: string; admin?: boolean; organisation?: string; database?: string },
): Promise<void> {
  const { addReviewer, ReviewerError } = await import('@healthbank/server');
  await withDatabase(
    io,
    opts.database,
    async (db: Database) => {
      try {
        const account = await addReviewer(db, {
          email,
          name: opts.name,
          role: opts.admin ? 'admin' : 'reviewer',
          ...(opts.organisation ? { organisationIdentifier: opts.organisation } : {}),
        });
        io.stdout.write(
          `added ${account.role} ${account.email}: they sign in at /review with a code sent to that address\n`,
        );
      } catch (error) {
        if (error instanceof ReviewerError) throw new CliError(error.message);
        throw error;
      }
    },
    { existing: true },
  );
}
