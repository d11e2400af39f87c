-- Website-widget settings per survey, and the visitors who closed the widget (core/widget-settings.ts,
-- channels/widget/widget-routes.ts).
--
-- survey.widget: the validated settings (triggers, sampling, delay, position, texts, colours,
-- dismissal cooldown) as the API stored them; NULL: the defaults.
ALTER TABLE survey ADD COLUMN widget jsonb;

-- One row per "closed without answering" (POST /w/v1/dismissals). The widget asks the visitor again
-- only after the survey's dismiss_cooldown_days, counted from the latest row of the visitor or, for
-- an identified user, of the contact (on any device).
CREATE TABLE widget_dismissal (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL REFERENCES workspace (id) ON DELETE CASCADE,
  survey_id uuid NOT NULL REFERENCES survey (id) ON DELETE CASCADE,
  visitor_id text NOT NULL,
  contact_id uuid REFERENCES contact (id) ON DELETE SET NULL,
  dismissed_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now())
);
CREATE INDEX widget_dismissal_visitor ON widget_dismissal (workspace_id, survey_id, visitor_id, dismissed_at DESC);
CREATE INDEX widget_dismissal_contact ON widget_dismissal (workspace_id, survey_id, contact_id, dismissed_at DESC)
  WHERE contact_id IS NOT NULL;

-- The last widget answer of an anonymous visitor (its visitor_id is a response property, kept in
-- response.attributes) for the fatigue check of POST /w/v1/surveys/config.
CREATE INDEX response_widget_visitor ON response (workspace_id, (attributes ->> 'visitor_id'), created_at DESC)
  WHERE channel = 'widget';
