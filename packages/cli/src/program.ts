import { Command, CommanderError, Option } from 'commander';
import {
  auditCheckProofCommand,
  auditCheckpointCommand,
  auditProofCommand,
  auditPruneCommand,
  auditVerifyCommand,
} from './commands/audit.js';
import { contactsSetCommand } from './commands/contacts.js';
import { keysGenerateCommand, keysPublicCommand, keysRotateCommand } from './commands/keys.js';
import { migrateCommand } from './commands/migrate.js';
import { personasCommand } from './commands/personas.js';
import { recordsCommand } from './commands/records.js';
import { reviewersAddCommand } from './commands/reviewers.js';
import { seedCommand } from './commands/seed.js';
import { workerCount } from './commands/workers.js';
import { CliError } from './errors.js';
import type { CliIo } from './io.js';

const databaseOption = () =>
  new Option(
    '--database <url>',
    'a sqlite:<path> or postgres:// URL (default: DATABASE_URL, else ./data/healthbank.sqlite)',
  );

/** Builds the `healthbank` command. `onStarted` receives the stop function of `start`. */
export function buildProgram(io: CliIo, onStarted?: (stop: () => Promise<void>) => void): Command {
  const program = new Command('healthbank')
    .description('My Health Bank (健康存摺) SDK platform: database, synthetic sandbox and server')
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      // Commander's own complaints (unknown command, missing argument) in docs/cli.md's one format.
      outputError: (s, write) => write(`healthbank: ${s.replace(/^error: /, '').trimEnd()} (see healthbank --help)\n`),
    })
    .exitOverride()
    .showHelpAfterError(false);

  program
    .command('migrate')
    .description('bring the database schema up to date')
    .addHelpText(
      'after',
      '\nExamples:\n  $ healthbank migrate\n  $ healthbank migrate --database postgres://hb@db.example.tw/healthbank',
    )
    .addOption(databaseOption())
    .action((opts) => migrateCommand(io, opts));

  program
    .command('seed')
    .description('stream a deterministic synthetic population (plus the personas) into an empty database')
    .addHelpText(
      'after',
      '\nExamples:\n  $ healthbank seed --citizens 10000 --seed demo --as-of 2026-11-01 --database sqlite:/tmp/demo.sqlite',
    )
    .requiredOption('--citizens <n>', 'number of ordinary citizens')
    .option('--seed <s>', 'generator seed', 'healthbank')
    .option('--as-of <date>', 'last day of the generated histories, YYYY-MM-DD (default: today in Taiwan)')
    .option('--no-personas', 'leave out A小姐, B爺爺 and C職場')
    .addOption(databaseOption())
    .action((opts) => seedCommand(io, opts));

  program
    .command('personas')
    .description('print persona name → national ID as JSON')
    .addHelpText('after', '\nExamples:\n  $ healthbank personas | jq -r \'.["A小姐"]\'')
    .addOption(databaseOption())
    .action((opts) => personasCommand(io, opts));

  program
    .command('records')
    .description("print one citizen's records as JSON, grouped by category")
    .addHelpText(
      'after',
      "\nExamples:\n  $ healthbank records A299991011 --categories lab,outpatient --from 2020-01-01 --to 2024-12-31\n  $ healthbank records A299991011 | jq '.lab | length'",
    )
    .argument('<nationalId>', 'national ID, e.g. A123456789')
    .option('--categories <list>', 'comma-separated category ids (default: all)')
    .option('--from <date>', 'first day, YYYY-MM-DD')
    .option('--to <date>', 'last day, YYYY-MM-DD')
    .option('--exclude <codes>', 'comma-separated 醫事機構代碼 to leave out')
    .addOption(databaseOption())
    .action((nationalId, opts) => recordsCommand(io, nationalId, opts));

  program
    .command('contacts')
    .description("a citizen's contact details, where one-time sign-in codes are sent")
    .command('set')
    .description("set or replace a citizen's e-mail address and mobile number")
    .addHelpText(
      'after',
      '\nExamples:\n  $ healthbank contacts set A299991011 --email a.citizen@example.tw --mobile 0912345678',
    )
    .argument('<nationalId>', 'national ID, e.g. A123456789')
    .option('--email <address>', 'e-mail address for sign-in codes')
    .option('--mobile <number>', 'Taiwanese mobile number for sign-in codes, 09 and 8 digits')
    .addOption(databaseOption())
    .action((nationalId, opts) => contactsSetCommand(io, nationalId, opts));

  program
    .command('reviewers')
    .description('the platform reviewers who decide applications at /review')
    .command('add')
    .description('add a reviewer (the first admin comes from here)')
    .addHelpText('after', '\nExamples:\n  $ healthbank reviewers add lin@nhi.example.tw --name 林審查 --admin')
    .argument('<email>', 'the address their sign-in codes are sent to')
    .requiredOption('--name <name>', 'their name, as shown in the console')
    .option('--admin', 'may add other reviewers')
    .option(
      '--organisation <identifier>',
      '統一編號 or 醫事機構代碼 of their own organisation, whose applications they may not decide',
    )
    .addOption(databaseOption())
    .action((email, opts) => reviewersAddCommand(io, email, opts));

  const keys = program
    .command('keys')
    .description('production secrets and signing keys: generate, rotate, print the public half');
  keys
    .command('generate')
    .description('print a new root secret and private JWK Sets as an env file (keep it out of source control)')
    .addHelpText(
      'after',
      '\nExamples:\n  $ healthbank keys generate > production.env\n  $ healthbank keys generate --upstream > production.env',
    )
    .option('--upstream', 'also a key for private_key_jwt at an upstream identity provider (UPSTREAM_OIDC_JWKS)')
    .action((opts) => keysGenerateCommand(io, opts));
  keys
    .command('rotate')
    .description('print the next key set: a new signing key first, the current one kept published')
    .addHelpText(
      'after',
      '\nExamples:\n  $ HEALTHBANK_SIGNING_JWKS="$(cat jwks.json)" healthbank keys rotate HEALTHBANK_SIGNING_JWKS',
    )
    .argument(
      '<variable>',
      'HEALTHBANK_SIGNING_JWKS, HEALTHBANK_EXPORT_SIGNING_KEYS, HEALTHBANK_WEBHOOK_SIGNING_KEYS or UPSTREAM_OIDC_JWKS (read from the environment)',
    )
    .action((variable) => keysRotateCommand(io, variable));
  keys
    .command('public')
    .description('print the public half of a key set (e.g. to register at the upstream identity provider)')
    .addHelpText('after', '\nExamples:\n  $ healthbank keys public UPSTREAM_OIDC_JWKS')
    .argument(
      '<variable>',
      'HEALTHBANK_SIGNING_JWKS, HEALTHBANK_EXPORT_SIGNING_KEYS, HEALTHBANK_WEBHOOK_SIGNING_KEYS or UPSTREAM_OIDC_JWKS (read from the environment)',
    )
    .action((variable) => keysPublicCommand(io, variable));

  const audit = program
    .command('audit')
    .description('the tamper-evident audit log: verify, checkpoints, proofs, retention');
  const jwksOption = () =>
    new Option(
      '--jwks <file>',
      'the published key set checkpoints are signed with (default: the keys in HEALTHBANK_EXPORT_SIGNING_KEYS)',
    );
  audit
    .command('verify')
    .description(
      'check the whole log: the hash chain and every signed checkpoint; names the first bad entry and exits 1',
    )
    .addHelpText(
      'after',
      '\nExamples:\n  $ healthbank audit verify\n  $ healthbank audit verify --database postgres://hb@db.example.tw/healthbank --jwks export-jwks.json',
    )
    .addOption(databaseOption())
    .addOption(jwksOption())
    .action((opts) => auditVerifyCommand(io, opts));
  audit
    .command('checkpoint')
    .description('sign a Merkle checkpoint over the log now (the server writes them every 1,000 entries or 5 minutes)')
    .addHelpText('after', '\nExamples:\n  $ healthbank audit checkpoint')
    .addOption(databaseOption())
    .action((opts) => auditCheckpointCommand(io, opts));
  audit
    .command('proof')
    .description('print the inclusion proof of one entry against the latest checkpoint, as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  $ healthbank audit proof 42 > proof-42.json\n  $ healthbank audit proof 42 --tree-size 1000',
    )
    .argument('<seq>', 'the entry number')
    .option('--tree-size <n>', 'prove against the checkpoint of this many entries instead of the latest')
    .addOption(databaseOption())
    .action((seq, opts) => auditProofCommand(io, seq, opts));
  audit
    .command('check-proof')
    .description('check a proof without the database: entry hash, audit path, checkpoint signature')
    .addHelpText(
      'after',
      '\nExamples:\n  $ healthbank audit check-proof proof-42.json\n  $ healthbank audit check-proof proof-42.json --jwks export-jwks.json',
    )
    .argument('<file>', 'a proof from healthbank audit proof')
    .addOption(jwksOption())
    .action((file, opts) => auditCheckProofCommand(io, file, opts));
  audit
    .command('prune')
    .description('delete entries past the retention period (AUDIT_RETENTION_YEARS, default 6) up to a signed anchor')
    .addHelpText('after', '\nExamples:\n  $ AUDIT_RETENTION_YEARS=6 healthbank audit prune')
    .addOption(databaseOption())
    .action((opts) => auditPruneCommand(io, opts));

  program
    .command('start')
    .description('migrate, seed a sandbox into an empty database, and serve the platform')
    .addHelpText(
      'after',
      '\nExamples:\n  $ healthbank start\n  $ healthbank start --port 8080 --citizens 200\n  $ DATABASE_URL=postgres://hb@127.0.0.1/healthbank healthbank start --workers 4',
    )
    .addOption(databaseOption())
    .option('--port <port>', 'port to listen on (default: PORT, else 3000)')
    .option('--citizens <n>', 'sandbox size when seeding an empty database (default: 1000)')
    .option(
      '--workers <n>',
      'server processes sharing the ports, 1 to 64 (default: HEALTHBANK_WORKERS, else 1); restarted if one stops',
    )
    .action(async (opts) => {
      // A bad worker count is refused before anything heavy loads (startCommand checks it again).
      workerCount(opts.workers, io.env.HEALTHBANK_WORKERS);
      // Loaded on demand: the data commands should not start up the authorization server's code.
      const { startCommand } = await import('./commands/start.js');
      const stop = await startCommand(io, opts);
      onStarted?.(stop);
    });

  return program;
}

/**
 * Runs the CLI and returns the exit code: 0 on success, 2 for anything the user can fix
 * (bad arguments, invalid input, unreachable database), 1 for a defect.
 */
export async function run(
  argv: readonly string[],
  io: CliIo,
  onStarted?: (stop: () => Promise<void>) => void,
): Promise<number> {
  try {
    await buildProgram(io, onStarted).parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has already printed its message; help and version are not errors.
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof CliError) {
      io.stderr.write(`healthbank: ${error.message}\n`);
      return error.exitCode;
    }
    io.stderr.write(`healthbank: unexpected error: ${(error as Error).message}\n`);
    return 1;
  }
}
