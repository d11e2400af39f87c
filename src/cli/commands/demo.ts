/**
 * `plaudit demo`: adds a workspace of realistic demo data (two years of responses of the fictitious
 * product Taskwerk) to the configured database and prints its API key once.
 */
import { parseArgs } from 'node:util';
import type { Config } from '../../server/config';
import { migrate } from '../../server/db/migrate';
import { openDatabase } from '../../server/db/open-database';
import { loadDemoData } from '../../server/demo/load-demo-data';
import { startProgressBar } from '../progress';

export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  isTTY: boolean;
}

export async function runDemoCommand(args: string[], config: Config, io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, options: { seed: { type: 'string' } } });
  const seed = values.seed === undefined ? undefined : Number(values.seed);
  if (seed !== undefined && !Number.isInteger(seed)) {
    io.stderr.write('plaudit demo: --seed must be an integer\n');
    return 2;
  }
  const db = await openDatabase(config);
  try {
    await migrate(db);
    let bar: ReturnType<typeof startProgressBar> | undefined;
    const demo = await loadDemoData(db, {
      now: new Date(),
      seed,
      onProgress: (done, total) => {
        bar ??= startProgressBar(
          io.stderr,
          io.isTTY,
          total,
          'demo responses {bar} {percentage}% · {value}/{total}',
        );
        bar.update(done);
      },
    });
    bar?.stop();
    io.stdout.write(
      `Demo workspace "${demo.workspace.name}" (${demo.workspace.id}) with ${demo.responses} responses.\n` +
        `Its API key (shown only now, stored hashed):\n  ${demo.secret}\n`,
    );
    return 0;
  } finally {
    await db.close();
  }
}
