/**
 * Fills a workspace of a fresh PostgreSQL bench database with many responses, set-based: one
 * `INSERT … SELECT FROM generate_series` per chunk, every value a deterministic pseudo-random
 * function of the row number (`hashint8extended`), so two runs with the same `now` make the same
 * data. Realistic shapes: several surveys, four channels, a skewed 0-10 score distribution that
 * varies by sales rep, 100,000 contacts in 2,000 accounts (a fifth of the responses come from a
 * known contact, with the account's tier in the snapshot), and in the attribute snapshot `plan`
 * (4 values), `country` (12) and `sales_rep` (50, Zipf-like: rep-01 has the most answers).
 *
 * The indexes and key constraints of `response` are dropped during the fill and recreated
 * afterwards from their own definitions (faster than maintaining them row by row); then the rollups are built
 * by the product's own `rebuildRollups`, and everything is VACUUM ANALYZEd.
 */
import cliProgress from 'cli-progress';
import type { Database } from '../src/server/db/port';
import { rebuildRollups } from '../src/server/repo/metrics';

export interface GenerateOptions {
  workspaceId: string;
  surveyIds: readonly string[];
  responses: number;
  /** Responses spread over this many days back from `now` (the newest: today). */
  days: number;
  /** The reference time (default: now). */
  now?: Date;
  /** Rows per INSERT statement. */
  chunk?: number;
  /** A progress bar on stderr (default: when stderr is a terminal). */
  progress?: boolean;
}

export interface GenerateTimings {
  /** Contacts and accounts. */
  contactsMs: number;
  /** The chunked INSERT … SELECT of the responses. */
  insertMs: number;
  /** Recreating the indexes and key constraints of `response`. */
  indexMs: number;
  /** `rebuildRollups` (both rollups). */
  rollupMs: number;
  /** VACUUM ANALYZE of response and both rollups. */
  vacuumMs: number;
  rollupRows: { daily: number; attribute: number; salesRep: number };
}

export const SALES_REPS = Array.from({ length: 50 }, (_, i) => `rep-${String(i + 1).padStart(2, '0')}`);
const CONTACTS = 100_000;
const ACCOUNTS = 2_000;

/** A uniform number in [0, 1) from the row number `g` and a salt: the same for the same inputs. */
const u = (salt: number) =>
  `((hashint8extended(g, ${salt}) & 4503599627370495)::float8 / 4503599627370496.0)`;

const COMMENTS = [
  'Does what it says, support answers quickly.',
  'Too expensive for what we use.',
  'The new reports are great, exports could be faster.',
  'Setup took a while but now it runs itself.',
  'Billing is confusing and the invoices arrive late.',
  'Our account manager is excellent.',
  'The mobile app crashes when uploading photos.',
  'Integrations with our CRM saved us hours every week.',
];

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

export async function generateResponses(db: Database, options: GenerateOptions): Promise<GenerateTimings> {
  const { workspaceId, surveyIds, responses, days } = options;
  const now = options.now ?? new Date();
  const chunk = options.chunk ?? 250_000;
  const showProgress = options.progress ?? Boolean(process.stderr.isTTY);

  const contactsMs = await timed(async () => {
    await db.query(
      `INSERT INTO account (workspace_id, external_id, name, revenue, attributes)
       SELECT $1, 'acc-' || g, 'Account ' || g, (1000 + (hashint8extended(g, 1) & 1048575))::numeric,
         jsonb_build_object('tier', (ARRAY['bronze', 'silver', 'gold', 'platinum'])[1 + (hashint8extended(g, 2) & 3)])
       FROM generate_series(1, $2::int) g`,
      [workspaceId, ACCOUNTS],
    );
    await db.query(
      `INSERT INTO contact (workspace_id, email, name, locale, account_id, attributes)
       SELECT $1, 'customer' || g || '@example.com', 'Customer ' || g, CASE WHEN g % 3 = 0 THEN 'de' ELSE 'en' END,
         (SELECT id FROM account WHERE workspace_id = $1 AND external_id = 'acc-' || (1 + g % $3::int)),
         jsonb_build_object('role', (ARRAY['admin', 'user', 'billing'])[1 + g % 3])
       FROM generate_series(1, $2::int) g`,
      [workspaceId, CONTACTS, ACCOUNTS],
    );
    // Contact number → id and account tier, for the set-based fill (dropped at the end).
    await db.exec(`DROP TABLE IF EXISTS bench_contact_map`);
    await db.query(
      `CREATE TABLE bench_contact_map AS
       SELECT row_number() OVER (ORDER BY c.email)::int AS n, c.id, c.account_id, c.attributes ->> 'role' AS role,
         a.attributes ->> 'tier' AS tier
       FROM contact c JOIN account a ON a.id = c.account_id WHERE c.workspace_id = '${workspaceId}'`,
    );
    await db.exec('CREATE UNIQUE INDEX ON bench_contact_map (n); ANALYZE bench_contact_map');
  });

  // Secondary (non-constraint) indexes: dropped now, recreated from their definitions after the fill.
  const indexes = await db.query<{ name: string; def: string }>(
    `SELECT i.indexname AS name, i.indexdef AS def FROM pg_indexes i
     WHERE i.schemaname = 'public' AND i.tablename = 'response'
       AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`,
  );
  for (const index of indexes) await db.exec(`DROP INDEX ${index.name}`);
  // The primary key and unique constraints too (no foreign key points at response): a random
  // uuid key maintained row by row is the slowest part of a large fill.
  const constraints = await db.query<{ name: string; def: string }>(
    `SELECT conname AS name, pg_get_constraintdef(oid) AS def FROM pg_constraint
     WHERE conrelid = 'response'::regclass AND contype IN ('p', 'u')`,
  );
  for (const constraint of constraints)
    await db.exec(`ALTER TABLE response DROP CONSTRAINT ${constraint.name}`);

  // Scores: promoters 9-10, passives 7-8, detractors 0-6 (mostly 5-6); the promoter share moves
  // with the sales rep (36%-56%) so the breakdown has differences to show.
  const insertSql = `
    INSERT INTO response (workspace_id, survey_id, contact_id, account_id, score, comment, locale, channel,
      attributes, day, created_at, updated_at)
    SELECT $1, ($2::uuid[])[1 + floor(u_survey * array_length($2::uuid[], 1))::int],
      m.id, m.account_id,
      CASE WHEN u_score < 0.36 + rep * 0.004 THEN CASE WHEN u_sub < 0.55 THEN 10 ELSE 9 END
           WHEN u_score < 0.70 + rep * 0.002 THEN CASE WHEN u_sub < 0.6 THEN 8 ELSE 7 END
           ELSE (ARRAY[0, 1, 2, 3, 4, 5, 5, 6, 6, 6])[1 + floor(u_sub * 10)::int] END,
      CASE WHEN u_comment < 0.18 THEN ($5::text[])[1 + floor(u_sub * array_length($5::text[], 1))::int] END,
      CASE WHEN u_comment * 10 - floor(u_comment * 10) < 0.3 THEN 'de' ELSE 'en' END,
      CASE WHEN u_channel < 0.5 THEN 'email' WHEN u_channel < 0.7 THEN 'link' WHEN u_channel < 0.9 THEN 'widget'
        ELSE 'api' END,
      coalesce(jsonb_build_object('role', m.role, 'account.tier', m.tier), '{}'::jsonb)
        || jsonb_build_object(
          'plan', (ARRAY['free', 'starter', 'pro', 'enterprise'])[1 + floor(u_plan * 4)::int],
          'country', (ARRAY['DE', 'AT', 'CH', 'FR', 'NL', 'US', 'GB', 'PL', 'ES', 'IT', 'SE', 'DK'])[1 + floor(u_country * 12)::int],
          'sales_rep', 'rep-' || lpad((rep + 1)::text, 2, '0')),
      (at AT TIME ZONE w.time_zone)::date, at, at
    FROM (
      SELECT g, ${u(11)} AS u_survey, ${u(12)} AS u_score, ${u(13)} AS u_sub, ${u(14)} AS u_comment,
        ${u(15)} AS u_channel, ${u(16)} AS u_plan, ${u(17)} AS u_country, ${u(18)} AS u_contact,
        floor(50 * power(${u(19)}, 1.6))::int AS rep,
        -- More answers lately (a growing customer base): days back ~ days * u^1.25.
        $3::timestamptz - (power(${u(20)}, 1.25) * $6::float8) * interval '1 day' AS at
      FROM generate_series($4::bigint, $7::bigint) g
    ) x
    JOIN workspace w ON w.id = $1
    LEFT JOIN bench_contact_map m ON x.u_contact < 0.2 AND m.n = 1 + (hashint8extended(g, 21) & 1048575) % ${CONTACTS}`;

  const bar = showProgress
    ? new cliProgress.SingleBar(
        { format: 'responses [{bar}] {percentage}% | {value}/{total} | {eta}s left', etaBuffer: 10 },
        cliProgress.Presets.shades_classic,
      )
    : null;
  bar?.start(responses, 0);
  const insertMs = await timed(async () => {
    for (let lo = 1; lo <= responses; lo += chunk) {
      const hi = Math.min(responses, lo + chunk - 1);
      await db.query(insertSql, [workspaceId, surveyIds, now, lo, COMMENTS, days, hi]);
      if (bar) bar.update(hi);
      else if (((hi / chunk) | 0) % 8 === 0 || hi === responses)
        console.log(`generate: ${hi.toLocaleString('en')} / ${responses.toLocaleString('en')} responses`);
    }
  });
  bar?.stop();
  await db.exec('DROP TABLE bench_contact_map');

  const indexMs = await timed(async () => {
    for (const constraint of constraints) {
      await db.transaction(async (tx) => {
        await tx.exec(`SET LOCAL maintenance_work_mem = '1GB'`);
        await tx.exec(`ALTER TABLE response ADD CONSTRAINT ${constraint.name} ${constraint.def}`);
      });
    }
    for (const index of indexes) {
      await db.transaction(async (tx) => {
        await tx.exec(`SET LOCAL maintenance_work_mem = '1GB'`);
        await tx.exec(index.def);
      });
    }
  });
  const rollupMs = await timed(() => rebuildRollups(db, workspaceId));
  // VACUUM refuses to run in a multi-statement script: one at a time.
  const vacuumMs = await timed(async () => {
    for (const table of ['response', 'response_daily', 'response_attribute_daily', 'contact', 'account']) {
      await db.exec(`VACUUM ANALYZE ${table}`);
    }
  });
  const [rows] = await db.query<{ daily: number; attribute: number; sales_rep: number }>(
    `SELECT (SELECT count(*) FROM response_daily WHERE workspace_id = $1)::int AS daily,
       (SELECT count(*) FROM response_attribute_daily WHERE workspace_id = $1)::int AS attribute,
       (SELECT count(*) FROM response_attribute_daily WHERE workspace_id = $1 AND key = 'sales_rep')::int AS sales_rep`,
    [workspaceId],
  );
  return {
    contactsMs,
    insertMs,
    indexMs,
    rollupMs,
    vacuumMs,
    rollupRows: { daily: rows!.daily, attribute: rows!.attribute, salesRep: rows!.sales_rep },
  };
}
