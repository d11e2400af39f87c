import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../server/config';
import { DataDirInUseError } from '../server/db/data-dir-lock';
import { runExportCommand } from './commands/export';
import { runImportCommand } from './commands/import';
import { runNpsCommand } from './commands/nps';

const USAGE = `Usage: plaudit <command> [options]

Commands:
  serve [--port N] [--data-dir DIR] [--no-demo] [--no-worker]
                                      Start the server (embedded database unless DATABASE_URL is set);
                                      an empty database gets demo data unless --no-demo; it runs the
                                      job worker (survey emails) unless --no-worker
  worker                              Run the job worker alone (needs DATABASE_URL)
  migrate                             Apply database migrations and exit
  demo [--seed N]                     Add a workspace of demo data (two years of responses); prints its key
  workspace create --name N           Create a workspace and print its first API key (once)
  workspace list                      List the workspaces
  rollups rebuild [--workspace ID]    Recompute the metrics rollups from the raw responses (with a
                                      progress bar); says per workspace whether they had differed
  nps <file.csv|-> [--column C]       Compute NPS with margin of error of a CSV column, offline
  import contacts <file.csv> [--partial] [--dry-run] [--delimiter X]
  import responses <file.csv> [--survey ID] [--partial] [--dry-run] [--delimiter X]
                                      Stream a CSV file to the running server's import API
  export responses [--out FILE] [--survey ID] [--from D] [--to D] [--category C] [--attr key=value …]
                                      Write responses as CSV from the running server
                                      (import/export: --url, default PLAUDIT_URL or
                                      http://localhost:3000; --key, default PLAUDIT_API_KEY)

Environment: DATABASE_URL, PORT (3000), PLAUDIT_DATA_DIR (./data), PLAUDIT_PUBLIC_URL,
PLAUDIT_URL and PLAUDIT_API_KEY (import, export)`;

/** Entry point of the `plaudit` command; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'nps':
        return await runNpsCommand(rest, {
          stdout: process.stdout,
          stderr: process.stderr,
          isTTY: Boolean(process.stderr.isTTY),
        });
      case 'import':
      case 'export': {
        const io = {
          stdout: process.stdout,
          stderr: process.stderr,
          isTTY: Boolean(process.stderr.isTTY),
          env: { url: process.env.PLAUDIT_URL, key: process.env.PLAUDIT_API_KEY },
        };
        return command === 'import' ? await runImportCommand(rest, io) : await runExportCommand(rest, io);
      }
      case 'serve': {
        const { values } = parseArgs({
          args: rest,
          options: {
            port: { type: 'string' },
            'data-dir': { type: 'string' },
            'no-demo': { type: 'boolean' },
            'no-worker': { type: 'boolean' },
          },
        });
        const config = loadConfig(process.env, {
          ...(values.port ? { port: Number(values.port) } : {}),
          ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
        });
        const { startServer } = await import('../server/main');
        const server = await startServer(config, { demo: !values['no-demo'], worker: !values['no-worker'] });
        await new Promise<void>((resolve) => {
          for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve());
        });
        await server.stop();
        return 0;
      }
      case 'worker': {
        parseArgs({ args: rest, options: {} });
        const config = loadConfig(process.env);
        if (!config.databaseUrl) {
          console.error(
            'plaudit worker needs DATABASE_URL: the embedded database belongs to one process, and `plaudit serve` runs the worker in it.',
          );
          return 2;
        }
        const { runWorker } = await import('../server/jobs/run-worker');
        return await runWorker(config);
      }
      case 'demo':
      case 'rollups':
      case 'workspace': {
        const config = loadConfig(process.env);
        const io = { stdout: process.stdout, stderr: process.stderr, isTTY: Boolean(process.stderr.isTTY) };
        if (command === 'demo') {
          const { runDemoCommand } = await import('./commands/demo');
          return await runDemoCommand(rest, config, io);
        }
        if (command === 'rollups') {
          const { runRollupsCommand } = await import('./commands/rollups');
          return await runRollupsCommand(rest, config, io);
        }
        const { runWorkspaceCommand } = await import('./commands/workspace');
        return await runWorkspaceCommand(rest, config, io);
      }
      case 'migrate': {
        const config = loadConfig(process.env);
        const { openDatabase } = await import('../server/db/open-database');
        const { migrate } = await import('../server/db/migrate');
        const db = await openDatabase(config);
        const applied = await migrate(db);
        await db.close();
        console.log(applied.length ? `Applied migrations ${applied.join(', ')}` : 'Database is up to date');
        return 0;
      }
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        console.log(USAGE);
        return command === undefined ? 2 : 0;
      default:
        console.error(`Unknown command "${command}".\n\n${USAGE}`);
        return 2;
    }
  } catch (error) {
    if (error instanceof ConfigError || error instanceof DataDirInUseError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }
}
