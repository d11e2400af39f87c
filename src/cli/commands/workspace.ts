/**
 * `plaudit workspace create --name N` and `plaudit workspace list`: tenants are created by the
 * operator of the installation, not through the API (a workspace's key sees only its workspace).
 */
import { parseArgs } from 'node:util';
import { isTimeZone } from '../../core/trend';
import type { Config } from '../../server/config';
import { migrate } from '../../server/db/migrate';
import { openDatabase } from '../../server/db/open-database';
import { createApiKey } from '../../server/repo/api-keys';
import { createWorkspace, listWorkspaces } from '../../server/repo/workspaces';
import type { CliIo } from './demo';

const USAGE = `Usage: plaudit workspace create --name NAME [--time-zone Europe/Berlin] [--locale de]
       plaudit workspace list`;

export async function runWorkspaceCommand(args: string[], config: Config, io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'create' && sub !== 'list') {
    io.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const { values } = parseArgs({
    args: rest,
    options: { name: { type: 'string' }, 'time-zone': { type: 'string' }, locale: { type: 'string' } },
  });
  if (sub === 'create' && !values.name?.trim()) {
    io.stderr.write(`plaudit workspace create: --name is required\n${USAGE}\n`);
    return 2;
  }
  if (values['time-zone'] !== undefined && !isTimeZone(values['time-zone'])) {
    io.stderr.write(
      `plaudit workspace create: --time-zone must be an IANA time zone such as Europe/Berlin\n`,
    );
    return 2;
  }
  const db = await openDatabase(config);
  try {
    await migrate(db);
    if (sub === 'list') {
      for (const w of await listWorkspaces(db)) io.stdout.write(`${w.id}  ${w.name}  (${w.time_zone})\n`);
      return 0;
    }
    const workspace = await createWorkspace(db, {
      name: values.name!.trim(),
      time_zone: values['time-zone'],
      default_locale: values.locale,
    });
    const { secret } = await createApiKey(db, workspace.id, 'First key');
    io.stdout.write(
      `Created workspace "${workspace.name}" (${workspace.id}).\n` +
        `Its API key (shown only now, stored hashed):\n  ${secret}\n`,
    );
    return 0;
  } finally {
    await db.close();
  }
}
