/**
 * The baseline of bench/ingest.ts: the least a Hono endpoint must do to store NPS responses durably
 * with group commit. No auth, no validation beyond JSON.parse, no contacts, no rollups; the same
 * `response` table and the same "acknowledge after commit" rule, using pg (or PGlite, with the
 * same fsync setting as Plaudit's embedded mode) directly.
 */
import { Hono } from 'hono';
import pg from 'pg';
import { createPgliteDatabase } from '../src/server/db/pglite-adapter';
import { defaultWriterOptions, type WriterOptions } from '../src/server/repo/response-writer';

interface Item {
  survey_id: string;
  score: number;
  comment?: string | null;
  channel?: string;
  properties?: Record<string, unknown>;
}

interface Pending {
  item: Item;
  resolve: (id: string) => void;
  reject: (error: unknown) => void;
}

type RunQuery = (sql: string, params: unknown[]) => Promise<{ id: string }[]>;

const INSERT = `INSERT INTO response (workspace_id, survey_id, score, comment, channel, attributes, idempotency_key, day)
  SELECT $1, u.survey_id, u.score, u.comment, u.channel, u.attributes, 'auto:' || gen_random_uuid(), current_date
  FROM unnest($2::uuid[], $3::int[], $4::text[], $5::text[], $6::jsonb[]) AS u(survey_id, score, comment, channel, attributes)
  RETURNING id`;

/**
 * Queue + at most `concurrency` multi-row INSERTs in flight, each waiting `lingerMs` for company:
 * the same batching policy as Plaudit's writer, so the comparison is about everything else.
 */
function groupCommitWriter(run: RunQuery, workspaceId: string, options: WriterOptions) {
  const queue: Pending[] = [];
  let inFlight = 0;
  let lingering: NodeJS.Timeout | undefined;
  const write = async (batch: Pending[]) => {
    try {
      const rows = await run(INSERT, [
        workspaceId,
        batch.map((p) => p.item.survey_id),
        batch.map((p) => p.item.score),
        batch.map((p) => p.item.comment ?? null),
        batch.map((p) => p.item.channel ?? 'api'),
        batch.map((p) => JSON.stringify(p.item.properties ?? {})),
      ]);
      batch.forEach((p, i) => {
        p.resolve(rows[i]!.id);
      });
    } catch (error) {
      for (const p of batch) p.reject(error);
    }
  };
  const pump = () => {
    while (inFlight < options.concurrency && queue.length > 0) {
      const batch = queue.splice(0, options.maxBatch);
      inFlight++;
      write(batch).finally(() => {
        inFlight--;
        if (queue.length > 0) schedule();
      });
    }
  };
  const schedule = () => {
    if (options.lingerMs === 0) return pump();
    if (lingering) return;
    lingering = setTimeout(() => {
      lingering = undefined;
      pump();
    }, options.lingerMs);
  };
  return {
    submit: (item: Item) =>
      new Promise<string>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        schedule();
      }),
    async drain() {
      while (queue.length > 0 || inFlight > 0) await new Promise((r) => setTimeout(r, 5));
    },
  };
}

export async function createBaselineApp(options: {
  databaseUrl?: string;
  dataDir?: string;
  workspaceId: string;
}) {
  let run: RunQuery;
  let closeDb: () => Promise<void>;
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 10 });
    run = async (sql, params) => (await pool.query<{ id: string }>(sql, params)).rows;
    closeDb = () => pool.end();
  } else {
    // Plaudit's adapter only for its durable settings (fsync on); queries go straight through.
    const db = await createPgliteDatabase(options.dataDir);
    run = (sql, params) => db.query<{ id: string }>(sql, params as never);
    closeDb = () => db.close();
  }
  const writer = groupCommitWriter(
    run,
    options.workspaceId,
    defaultWriterOptions(options.databaseUrl ? 'postgres' : 'pglite'),
  );
  const app = new Hono();
  app.post('/api/v1/responses', async (c) => {
    const item = (await c.req.json()) as Item;
    const id = await writer.submit(item);
    return c.json({ id, survey_id: item.survey_id, score: item.score }, 201);
  });
  return {
    fetch: app.fetch,
    async stop() {
      await writer.drain();
      await closeDb();
    },
  };
}
