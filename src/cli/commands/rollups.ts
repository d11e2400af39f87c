/**
 * `plaudit rollups rebuild [--workspace ID]`: recomputes the metrics rollups (daily, attribute
 * daily and attribute monthly) from the raw responses, one workspace at a time in its own
 * transaction, with a progress bar. The server keeps them current as responses arrive; this is
 * for after a manual change in the database, a restore of part of the data, or to check them.
 * It prints, per workspace, whether the rebuilt rollups differ from what was there.
 */
import { parseArgs } from 'node:util';
import type { Config } from '../../server/config';
import { migrate } from '../../server/db/migrate';
import { openDatabase } from '../../server/db/open-database';
import type { Queryable } from '../../server/db/port';
import { rebuildRollups } from '../../server/repo/metrics';
import { listWorkspaces } from '../../server/repo/workspaces';
import { startProgressBar } from '../progress';
import type { CliIo } from './demo';

const USAGE = 'Usage: plaudit rollups rebuild [--workspace ID]';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A digest of a workspace's rollups: equal before and after means they were right. */
async function digest(db: Queryable, workspaceId: string): Promise<string> {
  const rows = await db.query<{ d: string }>(
    `SELECT md5(
       coalesce((SELECT string_agg(concat_ws(',', day, survey_id, channel, score, count), ';' ORDER BY day, survey_id, channel, score)
                 FROM response_daily WHERE workspace_id = $1 AND count <> 0), '') || '|' ||
       coalesce((SELECT string_agg(concat_ws(',', key, day, survey_id, value, score, count), ';' ORDER BY key, day, survey_id, value, score)
                 FROM response_attribute_daily WHERE workspace_id = $1 AND count <> 0), '') || '|' ||
       coalesce((SELECT string_agg(concat_ws(',', key, month, survey_id, value, score, count), ';' ORDER BY key, month, survey_id, value, score)
                 FROM response_attribute_monthly WHERE workspace_id = $1 AND count <> 0), '')) AS d`,
    [workspaceId],
  );
  return rows[0]!.d;
}

export async function runRollupsCommand(args: string[], config: Config, io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  const { values } = parseArgs({ args: rest, options: { workspace: { type: 'string' } }, strict: false });
  if (sub !== 'rebuild' || (values.workspace !== undefined && !UUID.test(String(values.workspace)))) {
    io.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const db = await openDatabase(config);
  try {
    await migrate(db);
    const workspaces = (await listWorkspaces(db)).filter(
      (w) => !values.workspace || w.id === values.workspace,
    );
    if (workspaces.length === 0) {
      io.stderr.write(`plaudit rollups rebuild: no workspace ${values.workspace ?? ''}\n`);
      return 1;
    }
    const bar = startProgressBar(
      io.stderr,
      io.isTTY,
      workspaces.length,
      'rollups {bar} {value}/{total} workspaces',
    );
    let done = 0;
    let changed = 0;
    for (const workspace of workspaces) {
      const outcome = await db.transaction(async (tx) => {
        const before = await digest(tx, workspace.id);
        await rebuildRollups(tx, workspace.id);
        return before === (await digest(tx, workspace.id)) ? 'unchanged' : 'corrected';
      });
      if (outcome === 'corrected') changed++;
      bar.update(++done);
      io.stdout.write(`${workspace.id}  ${workspace.name}: ${outcome}\n`);
    }
    bar.stop();
    io.stdout.write(`Rebuilt the rollups of ${workspaces.length} workspace(s); ${changed} had differed.\n`);
    return 0;
  } finally {
    await db.close();
  }
}
