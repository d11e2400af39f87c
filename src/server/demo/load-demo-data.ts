import type { Database } from '../db/port';
import { upsertAccount } from '../repo/accounts';
import { createApiKey } from '../repo/api-keys';
import { upsertContacts } from '../repo/contacts';
import { insertResponses, type NewResponse } from '../repo/responses';
import { createSurvey } from '../repo/surveys';
import { createWorkspace, updateWorkspace, type Workspace } from '../repo/workspaces';
import { addDemoCases } from './demo-cases';
import { addDemoTestimonials } from './demo-testimonials';
import { generateDemoData } from './generate-demo-data';

/**
 * Creates a demo workspace filled with two years of generated responses and returns it with a
 * fresh API key. Each response carries the release that was current when it was given, so the
 * dip after "Release 4.0" can be found as a segment.
 *
 * The relationship survey asks for testimonial consent; two of every three of its promoters who
 * wrote a comment gave it (deterministic, so the demo is the same on every load).
 */
const CONSENT_SURVEY_KEY = 'relationship';

export async function loadDemoData(
  db: Database,
  options: { now: Date; seed?: number; onProgress?: (done: number, total: number) => void },
): Promise<{ workspace: Workspace; secret: string; responses: number }> {
  const data = generateDemoData({ now: options.now, seed: options.seed });
  const workspace = await createWorkspace(db, {
    name: 'Taskwerk (demo)',
    time_zone: 'Europe/Berlin',
    default_locale: 'de',
  });
  const { secret } = await createApiKey(db, workspace.id, 'Demo key');
  // A benchmark line for the overview; an example, and labelled as one (no real industry figure).
  await updateWorkspace(db, workspace.id, {
    industry: 'B2B software',
    benchmark: { nps: 35, source: 'Example figure of the demo data, not a published benchmark' },
  });

  const surveyIds = new Map<string, string>();
  for (const s of data.surveys) {
    const texts = Object.fromEntries(
      Object.entries(s.texts).map(([locale, t]) => [
        locale,
        { question: t.question, follow_up: t.followUp, thank_you: t.thankYou },
      ]),
    );
    const survey = await createSurvey(db, workspace.id, {
      name: s.name,
      kind: s.kind,
      journey_stage: s.journeyStage,
      product_name: s.productName,
      default_locale: s.defaultLocale,
      texts,
      brand_color: s.brandColor,
      ask_testimonial_consent: s.key === CONSENT_SURVEY_KEY,
    });
    surveyIds.set(s.key, survey.id);
  }
  const accountIds = new Map<string, string>();
  for (const a of data.accounts) {
    const account = await upsertAccount(db, workspace.id, {
      external_id: a.externalId,
      name: a.name,
      revenue: a.revenue,
      attributes: a.attributes,
    });
    accountIds.set(a.key, account.id);
  }
  const contactIds = await upsertContacts(
    db,
    workspace.id,
    data.contacts.map((c) => ({
      email: c.email,
      external_id: c.externalId,
      name: c.name,
      locale: c.locale,
      time_zone: c.timeZone,
      account_id: c.accountKey ? (accountIds.get(c.accountKey) ?? null) : null,
      attributes: c.attributes,
    })),
  );
  const contactByKey = new Map(data.contacts.map((c, i) => [c.key, contactIds[i]!]));
  const releases = [...data.releases].sort((a, b) => a.day.localeCompare(b.day));
  const releaseAt = (when: Date) => {
    const day = when.toISOString().slice(0, 10);
    let current: string | null = null;
    for (const r of releases) if (r.day <= day) current = r.name;
    return current;
  };

  const total = data.responses.length;
  for (let start = 0; start < total; start += 1000) {
    const batch: NewResponse[] = data.responses.slice(start, start + 1000).map((r, i) => {
      const release = releaseAt(r.createdAt);
      return {
        workspace_id: workspace.id,
        survey_id: surveyIds.get(r.surveyKey)!,
        contact_id: r.contactKey ? (contactByKey.get(r.contactKey) ?? null) : null,
        invitation_id: null,
        score: r.score,
        comment: r.comment,
        locale: r.locale,
        channel: r.channel,
        properties: release ? { release } : ({} as Record<string, string>),
        idempotency_key: `demo:${start + i}`,
        edit_token: null,
        editable_until: null,
        created_at: r.createdAt,
        // Kept by insertResponses only for promoters of the survey that asks.
        testimonial_consent:
          r.surveyKey === CONSENT_SURVEY_KEY && r.score >= 9 && r.comment !== null
            ? (start + i) % 3 !== 0
            : null,
      };
    });
    await insertResponses(db, batch);
    options.onProgress?.(Math.min(start + 1000, total), total);
  }
  await addDemoInvitations(db, workspace.id);
  await addDemoCases(db, workspace.id, options.now);
  await addDemoTestimonials(db, workspace.id, options.now);
  return { workspace, secret, responses: total };
}

/**
 * The survey emails behind the demo's email answers, so the response rate means something: each
 * email answer gets its delivered invitation (sent a few hours before, answered), and about 1.8
 * invitations per answer went to other contacts at the same time and stayed unanswered, a response
 * rate of roughly a third, as is common for relational email NPS. Set-based SQL.
 */
async function addDemoInvitations(db: Database, workspaceId: string): Promise<void> {
  await db.query(
    `INSERT INTO invitation (workspace_id, survey_id, contact_id, token, channel, expires_at, status, sent_at, answered_at)
     SELECT r.workspace_id, r.survey_id, r.contact_id, 'demo-a-' || r.id, 'email',
            r.created_at + interval '14 days', 'sent',
            r.created_at - make_interval(hours => 1 + abs(hashtext(r.id::text)) % 40), r.created_at
     FROM response r WHERE r.workspace_id = $1 AND r.channel = 'email' AND r.contact_id IS NOT NULL`,
    [workspaceId],
  );
  await db.query(
    `UPDATE response r SET invitation_id = i.id FROM invitation i
     WHERE r.workspace_id = $1 AND i.workspace_id = $1 AND i.token = 'demo-a-' || r.id`,
    [workspaceId],
  );
  // The same waves went to other contacts who did not answer (the contacts of other email answers).
  await db.query(
    `WITH email AS (
       SELECT r.id, r.workspace_id, r.survey_id, r.created_at,
              lead(r.contact_id, 7) OVER (ORDER BY r.id) AS other1,
              lead(r.contact_id, 13) OVER (ORDER BY r.id) AS other2
       FROM response r WHERE r.workspace_id = $1 AND r.channel = 'email' AND r.contact_id IS NOT NULL)
     INSERT INTO invitation (workspace_id, survey_id, contact_id, token, channel, expires_at, status, sent_at)
     SELECT e.workspace_id, e.survey_id, CASE g WHEN 1 THEN e.other1 ELSE e.other2 END,
            'demo-u-' || g || '-' || e.id, 'email', e.created_at + interval '14 days', 'sent',
            e.created_at - make_interval(hours => 1 + abs(hashtext(g || e.id::text)) % 40)
     FROM email e CROSS JOIN generate_series(1, 2) g
     WHERE CASE g WHEN 1 THEN e.other1 ELSE e.other2 END IS NOT NULL
       AND (g = 1 OR abs(hashtext(e.id::text)) % 10 < 8)`,
    [workspaceId],
  );
}
