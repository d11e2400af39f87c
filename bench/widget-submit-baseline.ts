/**
 * The baseline of bench/widget-submit.ts: the least a Hono endpoint must do to store widget answers
 * durably with group commit, like bench/baseline-app.ts for the REST endpoint. `POST /w/v1/responses`
 * reads the text/plain body, JSON.parse, and queues it; at most `concurrency` multi-row INSERTs are
 * in flight (Plaudit's batching policy for PostgreSQL) into the same `response` table with the same
 * columns the widget sets (channel `widget`, idempotency key `widget:<id>`, visitor_id property,
 * edit window), acknowledged after commit. No key, origin, rate-limit or field checks.
 */
import { Hono } from 'hono';
import pg from 'pg';
import { defaultWriterOptions } from '../src/server/repo/response-writer';

interface Answer {
  id: string;
  survey_id: string;
  visitor_id: string;
  score: number;
  locale?: string;
}

interface Pending {
  answer: Answer;
  resolve: (inserted: boolean) => void;
  reject: (error: unknown) => void;
}

const INSERT = `INSERT INTO response (workspace_id, survey_id, score, locale, channel, attributes, idempotency_key, editable_until, day)
  SELECT $1, u.survey_id, u.score, u.locale, 'widget', u.attributes, 'widget:' || u.id, now() + interval '30 minutes', current_date
  FROM unnest($2::uuid[], $3::int[], $4::text[], $5::jsonb[], $6::text[]) AS u(survey_id, score, locale, attributes, id)
  ON CONFLICT (workspace_id, idempotency_key) DO NOTHING
  RETURNING idempotency_key`;

export function createWidgetBaselineApp(options: { databaseUrl: string; workspaceId: string }) {
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 10 });
  const { maxBatch, concurrency } = defaultWriterOptions('postgres');
  const queue: Pending[] = [];
  let inFlight = 0;
  const write = async (batch: Pending[]) => {
    try {
      const { rows } = await pool.query<{ idempotency_key: string }>(INSERT, [
        options.workspaceId,
        batch.map((p) => p.answer.survey_id),
        batch.map((p) => p.answer.score),
        batch.map((p) => p.answer.locale ?? 'en'),
        batch.map((p) => JSON.stringify({ visitor_id: p.answer.visitor_id })),
        batch.map((p) => p.answer.id),
      ]);
      const inserted = new Set(rows.map((r) => r.idempotency_key));
      for (const p of batch) p.resolve(inserted.has(`widget:${p.answer.id}`));
    } catch (error) {
      for (const p of batch) p.reject(error);
    }
  };
  const pump = () => {
    while (inFlight < concurrency && queue.length > 0) {
      const batch = queue.splice(0, maxBatch);
      inFlight++;
      write(batch).finally(() => {
        inFlight--;
        pump();
      });
    }
  };
  const app = new Hono();
  app.post('/w/v1/responses', async (c) => {
    const answer = JSON.parse(await c.req.text()) as Answer;
    const inserted = await new Promise<boolean>((resolve, reject) => {
      queue.push({ answer, resolve, reject });
      pump();
    });
    c.header('Access-Control-Allow-Origin', c.req.header('origin') ?? '');
    return c.json({ id: answer.id, duplicate: !inserted }, inserted ? 201 : 200);
  });
  return {
    fetch: app.fetch,
    async stop() {
      while (queue.length > 0 || inFlight > 0) await new Promise((r) => setTimeout(r, 5));
      await pool.end();
    },
  };
}
