import { parseArgs } from 'node:util';
import { auditChecks, closePlatform, createLogger, createModules, migrationSources, openPlatform, startApp } from './app.js';
import { runAudit } from './platform/audit.js';
import { ConfigError, ROLES, loadConfig, type Config, type Role } from './platform/config.js';
import { migrate } from './platform/db/index.js';
import { readPassword } from './platform/prompt.js';

const USAGE = `usage: flashmart <command>

  start [--role all|api|worker|sandbox]   run the platform (default role: FLASHMART_ROLE or all)
  migrate                                 apply pending database migrations
  admin create --username U [--password-stdin]
                                          create an administrator (or grant the role)
  audit                                   check the invariants; exit 1 on any violation
  dead-letters list|replay --group G      show, or hand back to its group, the messages a
                                          consumer group gave up on (embedded: with the
                                          server stopped, it shares the data folder)`;

function fail(message: string): never {
  process.stderr.write(`flashmart: ${message}\n`);
  process.exit(1);
}

function configWithRole(role: string | undefined): Config {
  const env = { ...process.env };
  if (role !== undefined) env.FLASHMART_ROLE = role;
  return loadConfig(env);
}

async function start(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { role: { type: 'string' } } });
  if (values.role !== undefined && !ROLES.includes(values.role as Role)) fail(`--role must be one of ${ROLES.join(', ')}`);
  const config = configWithRole(values.role);
  const app = await startApp(config);
  app.platform.logger.info({ url: app.url, role: config.role, database: app.platform.database.kind, hotStore: app.platform.hotStore.kind, transport: app.platform.transport.kind }, 'flashmart started');
  process.stdout.write(`Flashmart (${config.role}) listening on ${app.url ?? ''}\n`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.platform.logger.info({ signal }, 'shutting down');
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

async function withPlatform<T>(work: (ctx: Awaited<ReturnType<typeof openPlatform>>, modules: ReturnType<typeof createModules>) => Promise<T>): Promise<T> {
  const config = loadConfig({ ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' });
  const platform = await openPlatform(config, createLogger(config));
  try {
    return await work(platform, createModules(platform));
  } finally {
    await closePlatform(platform);
  }
}

async function migrateCommand(): Promise<void> {
  const applied = await withPlatform((platform, modules) => migrate(platform.database, migrationSources(modules.all)));
  process.stdout.write(applied.length ? `applied ${applied.length} migration(s):\n  ${applied.join('\n  ')}\n` : 'database is up to date\n');
}

async function adminCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { username: { type: 'string' }, 'password-stdin': { type: 'boolean' } },
  });
  if (positionals[0] !== 'create' || !values.username) fail('usage: flashmart admin create --username U [--password-stdin]');
  const username = values.username;
  if (!/^[A-Za-z0-9_]{3,32}$/.test(username)) fail('--username must be 3-32 of [A-Za-z0-9_]');
  const password = await readPassword(values['password-stdin'] === true);
  if (password.length < 8 || password.length > 128) fail('the password must be 8-128 characters');
  const result = await withPlatform(async (platform, modules) => {
    await migrate(platform.database, migrationSources(modules.all));
    await modules.identity.init();
    return modules.identity.ensureAdmin(username, password);
  });
  process.stdout.write(
    result.created
      ? `administrator ${result.user.username} created (id ${result.user.id})\n`
      : `user ${result.user.username} already existed: granted the admin role (password unchanged)\n`,
  );
}

async function auditCommand(): Promise<void> {
  const report = await withPlatform((platform, modules) => runAudit(auditChecks(platform, modules)));
  process.stdout.write(`${report.lines.join('\n')}\n`);
  process.exitCode = report.ok ? 0 : 1;
}

async function deadLettersCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { group: { type: 'string' } } });
  const action = positionals[0];
  if ((action !== 'list' && action !== 'replay') || !values.group) fail('usage: flashmart dead-letters list|replay --group G');
  const group = values.group;
  await withPlatform(async (platform) => {
    if (action === 'replay') {
      const replayed = await platform.transport.replayDeadLetters(group);
      process.stdout.write(`replayed ${replayed} dead letter(s) of ${group}\n`);
      return;
    }
    const letters = await platform.transport.deadLetters(group);
    for (const letter of letters) process.stdout.write(`${letter.id}\t${letter.topic}\t${JSON.stringify(letter.payload)}\n`);
    process.stdout.write(`${letters.length} dead letter(s) in ${group}\n`);
  });
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'start':
      return start(rest);
    case 'migrate':
      return migrateCommand();
    case 'admin':
      return adminCommand(rest);
    case 'audit':
      return auditCommand();
    case 'dead-letters':
      return deadLettersCommand(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(`${USAGE}\n`);
      return;
    default:
      fail(`unknown command "${command}"\n${USAGE}`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof ConfigError) fail(error.message);
  if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) fail(error.message);
  process.stderr.write(`flashmart: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
