/**
 * Workspace and survey fatigue settings, invitation expiry and the current NPS (migration 0010):
 * campaigns and trigger rules resolve the policy campaign/rule > survey > workspace, their
 * invitations expire after the workspace's invitation_expiry_days, GET /invitations shows
 * `expired`, and `GET /metrics/nps?current=true` counts only the workspace's validity window.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/server/config';
import type { Database } from '../../src/server/db/port';
import { createApp } from '../../src/server/http/app';
import { expandCampaign } from '../../src/server/jobs/expand-campaign';
import { createApiKey } from '../../src/server/repo/api-keys';
import { createInvitation } from '../../src/server/repo/invitations';
import { insertResponses } from '../../src/server/repo/responses';
import { createWorkspace } from '../../src/server/repo/workspaces';
import { databaseKinds } from './databases';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked by the assertions
const json = (res: Response): Promise<any> => res.json();
const DAY_MS = 86_400_000;
const NOW = new Date('2026-06-30T12:00:00Z');
const daysAgo = (days: number) => new Date(NOW.getTime() - days * DAY_MS);
const iso = (value: Date | string) => new Date(value).toISOString();

for (const kind of databaseKinds()) {
  describe(`fatigue and expiry settings on ${kind.name}`, () => {
    let db: Database;
    let drop: () => Promise<void>;
    let app: ReturnType<typeof createApp>['app'];
    let key = '';
    let workspaceId = '';
    let surveyId = '';
    let contactCount = 0;

    const call = (method: string, path: string, body?: unknown) =>
      app.request(`/api/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const ok = async (method: string, path: string, body?: unknown) => {
      const res = await call(method, path, body);
      const answer = await json(res);
      expect(res.status, JSON.stringify(answer)).toBeLessThan(300);
      return answer;
    };

    /** A new contact whose last survey (a sent invitation) was `days` days ago. */
    async function contactSurveyed(days: number): Promise<string> {
      const contact = await ok('POST', '/contacts', { email: `c${++contactCount}@example.com` });
      const invitation = await createInvitation(db, workspaceId, {
        survey_id: surveyId,
        contact_id: contact.id,
        channel: 'email',
        expires_at: new Date(daysAgo(days).getTime() + 30 * DAY_MS),
      });
      await db.query(`UPDATE invitation SET status = 'sent', sent_at = $2, created_at = $2 WHERE id = $1`, [
        invitation.id,
        daysAgo(days),
      ]);
      return contact.id;
    }

    /** A campaign of the survey to one contact, expanded now; its one invitation. */
    async function campaignTo(survey: string, contactId: string, fatigue?: unknown) {
      const campaign = await ok('POST', '/campaigns', {
        survey_id: survey,
        name: 'c',
        audience: { contact_ids: [contactId] },
        ...(fatigue === undefined ? {} : { fatigue }),
      });
      await expandCampaign(db, workspaceId, campaign.id, { now: NOW });
      const list = await ok('GET', `/invitations?contact_id=${contactId}&survey_id=${survey}`);
      return list.data.find(
        (i: { status: string; event_id: string | null }) => i.event_id === null && i.status !== 'sent',
      );
    }

    beforeAll(async () => {
      ({ db, drop } = await kind.create());
      app = createApp({ config: loadConfig({}), db, clock: () => NOW }).app;
      const ws = await createWorkspace(db, { name: 'F' });
      workspaceId = ws.id;
      key = (await createApiKey(db, ws.id, 't')).secret;
      surveyId = (await ok('POST', '/surveys', { name: 'S', product_name: 'P' })).id;
    });
    afterAll(() => drop());

    it('has the documented defaults, and the survey none of its own', async () => {
      const ws = await ok('GET', '/workspace');
      expect(ws).toMatchObject({ fatigue_days: 90, fatigue_on_blocked: 'drop', invitation_expiry_days: 30 });
      expect(await ok('GET', `/surveys/${surveyId}`)).toMatchObject({
        fatigue_days: null,
        fatigue_on_blocked: null,
      });
    });

    it('refuses bad settings with a 400 naming the field, and changes nothing', async () => {
      const cases: [string, string, unknown, string][] = [
        ['PATCH', '/workspace', { fatigue_days: -1 }, 'fatigue_days'],
        ['PATCH', '/workspace', { fatigue_on_blocked: 'maybe' }, 'fatigue_on_blocked'],
        ['PATCH', '/workspace', { invitation_expiry_days: 0 }, 'invitation_expiry_days'],
        ['PATCH', '/workspace', { fatigue_days: 2.5 }, 'fatigue_days'],
        ['POST', '/surveys', { name: 'x', product_name: 'P', fatigue_days: -1 }, 'fatigue_days'],
        [
          'POST',
          '/surveys',
          { name: 'x', product_name: 'P', fatigue_on_blocked: 'maybe' },
          'fatigue_on_blocked',
        ],
        ['PATCH', `/surveys/${surveyId}`, { fatigue_days: -1 }, 'fatigue_days'],
        ['PATCH', `/surveys/${surveyId}`, { fatigue_on_blocked: 'maybe' }, 'fatigue_on_blocked'],
      ];
      for (const [method, path, body, field] of cases) {
        const res = await call(method, path, body);
        expect(res.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(400);
        expect((await json(res)).error.field).toBe(field);
      }
      expect(await ok('GET', '/workspace')).toMatchObject({ fatigue_days: 90, fatigue_on_blocked: 'drop' });
      expect((await ok('GET', '/surveys')).data).toHaveLength(1);
    });

    it('uses the workspace fatigue days: 30 lets a contact surveyed 40 days ago through, 90 does not', async () => {
      const blocked = await campaignTo(surveyId, await contactSurveyed(40));
      expect(blocked).toMatchObject({ status: 'skipped', skip_reason: 'recently_surveyed' });

      await ok('PATCH', '/workspace', { fatigue_days: 30 });
      const allowed = await campaignTo(surveyId, await contactSurveyed(40));
      expect(allowed).toMatchObject({ status: 'queued', skip_reason: null });
      expect(iso(allowed.send_at)).toBe(NOW.toISOString());
      await ok('PATCH', '/workspace', { fatigue_days: 90 });
    });

    it('applies the same rules to a single send: skipped with its reason, or postponed, and no job then', async () => {
      const send = async (contactId: string) =>
        ok('POST', '/invitations', {
          survey_id: surveyId,
          contact_id: contactId,
          channel: 'email',
          send: true,
        });
      const jobsOf = async (invitationId: string) =>
        (await db.query('SELECT 1 FROM job WHERE unique_key = $1', [`send:${invitationId}`])).length;

      const recent = await send(await contactSurveyed(10));
      expect(recent).toMatchObject({ status: 'skipped', skip_reason: 'recently_surveyed', send_at: null });
      expect(await jobsOf(recent.id)).toBe(0);

      const fresh = await send(await contactSurveyed(200));
      expect(fresh).toMatchObject({ status: 'queued', skip_reason: null });
      expect(await jobsOf(fresh.id)).toBe(1);

      await ok('PATCH', '/workspace', { fatigue_on_blocked: 'postpone' });
      const later = await send(await contactSurveyed(10));
      expect(later).toMatchObject({ status: 'queued', skip_reason: null });
      // Surveyed 10 days ago, 90 days apart: due 80 days from now.
      expect(new Date(later.send_at).getTime()).toBe(NOW.getTime() + 80 * DAY_MS);
      expect(await jobsOf(later.id)).toBe(1);
      await ok('PATCH', '/workspace', { fatigue_on_blocked: 'drop' });
    });

    it("lets a survey's override beat the workspace, and a campaign's beat the survey's", async () => {
      const survey = await ok('POST', '/surveys', { name: 'Short', product_name: 'P', fatigue_days: 30 });
      expect(survey.fatigue_days).toBe(30);
      expect(await campaignTo(survey.id, await contactSurveyed(40))).toMatchObject({ status: 'queued' });
      // the campaign's own override wins over the survey's
      expect(await campaignTo(survey.id, await contactSurveyed(40), { min_days_between: 60 })).toMatchObject({
        status: 'skipped',
        skip_reason: 'recently_surveyed',
      });
      // null removes the override: the workspace's 90 days again
      expect(await ok('PATCH', `/surveys/${survey.id}`, { fatigue_days: null })).toMatchObject({
        fatigue_days: null,
      });
      expect(await campaignTo(survey.id, await contactSurveyed(40))).toMatchObject({
        status: 'skipped',
        skip_reason: 'recently_surveyed',
      });
    });

    it("postpones to the first allowed day under the workspace's on_blocked, for campaigns and events", async () => {
      await ok('PATCH', '/workspace', { fatigue_on_blocked: 'postpone' });
      try {
        const contactId = await contactSurveyed(40);
        const firstAllowed = new Date(daysAgo(40).getTime() + 90 * DAY_MS);
        const invitation = await campaignTo(surveyId, contactId);
        expect(invitation).toMatchObject({ status: 'queued' });
        expect(iso(invitation.send_at)).toBe(firstAllowed.toISOString());
        expect(iso(invitation.expires_at)).toBe(new Date(firstAllowed.getTime() + 30 * DAY_MS).toISOString());

        const survey = await ok('POST', '/surveys', { name: 'Event', product_name: 'P' });
        await ok('POST', '/trigger-rules', { name: 'r', event_name: 'purchase', survey_id: survey.id });
        const other = await contactSurveyed(40);
        const event = await ok('POST', '/events', {
          id: 'order-1',
          name: 'purchase',
          occurred_at: NOW.toISOString(),
          contact: { email: `c${contactCount}@example.com` },
        });
        expect(event.contact_id).toBe(other);
        expect(event.outcomes).toHaveLength(1);
        expect(event.outcomes[0]).toMatchObject({ status: 'queued', skip_reason: null });
        expect(iso(event.outcomes[0].send_at)).toBe(firstAllowed.toISOString());
      } finally {
        await ok('PATCH', '/workspace', { fatigue_on_blocked: 'drop' });
      }
    });

    it("expires campaign and event invitations after the workspace's expiry days; POST /invitations defaults to it", async () => {
      await ok('PATCH', '/workspace', { invitation_expiry_days: 7, fatigue_days: 0 });
      try {
        const invitation = await campaignTo(surveyId, await contactSurveyed(40));
        expect(invitation.status).toBe('queued');
        expect(iso(invitation.expires_at)).toBe(new Date(NOW.getTime() + 7 * DAY_MS).toISOString());

        const survey = await ok('POST', '/surveys', { name: 'Ticket', product_name: 'P' });
        await ok('POST', '/trigger-rules', { name: 'r', event_name: 'ticket', survey_id: survey.id });
        const event = await ok('POST', '/events', {
          id: 'ticket-1',
          name: 'ticket',
          occurred_at: NOW.toISOString(),
          contact: { email: 'ticket@example.com' },
        });
        const created = await ok('GET', `/invitations/${event.outcomes[0].invitation_id}`);
        expect(iso(created.expires_at)).toBe(new Date(NOW.getTime() + 7 * DAY_MS).toISOString());

        const contact = await ok('POST', '/contacts', { email: 'direct@example.com' });
        const byDefault = await ok('POST', '/invitations', { survey_id: surveyId, contact_id: contact.id });
        expect(iso(byDefault.expires_at)).toBe(new Date(NOW.getTime() + 7 * DAY_MS).toISOString());
        const explicit = await ok('POST', '/invitations', {
          survey_id: surveyId,
          contact_id: contact.id,
          expires_in_days: 3,
        });
        expect(iso(explicit.expires_at)).toBe(new Date(NOW.getTime() + 3 * DAY_MS).toISOString());
      } finally {
        await ok('PATCH', '/workspace', { invitation_expiry_days: 30, fatigue_days: 90 });
      }
    });

    it('shows expired for unanswered invitations past expires_at, not for answered or open ones', async () => {
      const contact = await ok('POST', '/contacts', { email: 'expiry@example.com' });
      const make = (expiresAt: Date) =>
        createInvitation(db, workspaceId, {
          survey_id: surveyId,
          contact_id: contact.id,
          channel: 'link',
          expires_at: expiresAt,
        });
      const past = await make(daysAgo(1));
      const open = await make(new Date(NOW.getTime() + DAY_MS));
      const answered = await make(daysAgo(1));
      await db.query('UPDATE invitation SET answered_at = $2 WHERE id = $1', [answered.id, daysAgo(2)]);
      const list = await ok('GET', `/invitations?contact_id=${contact.id}`);
      const expired = Object.fromEntries(
        list.data.map((i: { id: string; expired: boolean }) => [i.id, i.expired]),
      );
      expect(expired).toEqual({ [past.id]: true, [open.id]: false, [answered.id]: false });
      expect((await ok('GET', `/invitations/${past.id}`)).expired).toBe(true);
    });

    it('current=true leaves out a response 13 months old, which the trend and the plain NPS still count', async () => {
      const survey = await ok('POST', '/surveys', { name: 'Metrics', product_name: 'P' });
      const response = (score: number, at: Date, i: number) => ({
        workspace_id: workspaceId,
        survey_id: survey.id,
        contact_id: null,
        invitation_id: null,
        score,
        comment: null,
        locale: 'en',
        channel: 'api',
        properties: {} as Record<string, string>,
        idempotency_key: `m${i}`,
        edit_token: null,
        editable_until: null,
        created_at: at,
      });
      await insertResponses(db, [
        response(0, new Date('2025-05-30T12:00:00Z'), 1), // 13 months old: outside 12 months
        response(10, new Date('2026-06-01T12:00:00Z'), 2),
      ]);
      const plain = await ok('GET', `/metrics/nps?survey_id=${survey.id}`);
      expect(plain).toMatchObject({ n: 2, window: null });
      const current = await ok('GET', `/metrics/nps?survey_id=${survey.id}&current=true`);
      expect(current).toMatchObject({
        n: 1,
        nps: 100,
        window: { from: '2025-07-01', to: '2026-06-30', validity_months: 12 },
      });
      // intersected with from/to
      const narrowed = await ok('GET', `/metrics/nps?survey_id=${survey.id}&current=true&to=2025-12-31`);
      expect(narrowed.n).toBe(0);
      const trend = await ok(
        'GET',
        `/metrics/trend?survey_id=${survey.id}&granularity=month&from=2025-05-01&to=2026-06-30`,
      );
      const counted = trend.points.reduce(
        (sum: number, p: { summary: { n: number } }) => sum + p.summary.n,
        0,
      );
      expect(counted).toBe(2);
      expect(trend.points.find((p: { bucket: string }) => p.bucket.startsWith('2025-05')).summary.n).toBe(1);
      // a longer validity window counts it again
      await ok('PATCH', '/workspace', { validity_months: 24 });
      expect((await ok('GET', `/metrics/nps?survey_id=${survey.id}&current=true`)).n).toBe(2);
      await ok('PATCH', '/workspace', { validity_months: 12 });
    });
  });
}
