-- Testimonials (docs/TESTIMONIALS.md): the moderation of promoters' comments that may be quoted.
--
-- A candidate is a response with score 9-10, testimonial_consent = true (migration 0017) and a
-- non-empty comment. It needs no row here: without one it is `pending`. A row holds the moderator's
-- decision on it. The quote is the customer's own words and is never edited: `quote` is the comment
-- the decision was made on, and a comment that changed since (the customer's 30-minute edit window,
-- PATCH /responses) makes the candidate pending again, so nothing unmoderated is ever published.
--
-- display_name: what is shown as the author ("Anna B."); NULL until a moderator sets one or
--   approves (an approval stores the default, so a later change of the contact's name does not
--   change a published testimonial unseen).
-- withdraw_token_hash: SHA-256 of the token of the withdrawal link mailed to the customer on
--   approval (the token itself is never stored); withdrawn_at: when consent was withdrawn through
--   that link or on the customer's behalf (response.testimonial_consent is then false).
CREATE TABLE testimonial (
  workspace_id uuid NOT NULL REFERENCES workspace (id) ON DELETE CASCADE,
  response_id uuid NOT NULL REFERENCES response (id) ON DELETE CASCADE,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
  display_name text,
  quote text,
  moderated_by uuid REFERENCES app_user (id) ON DELETE SET NULL,
  moderated_at timestamptz,
  approved_at timestamptz,
  withdraw_token_hash text UNIQUE,
  withdrawn_at timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (workspace_id, response_id)
);
-- The public widget endpoint: a workspace's approved testimonials, newest approval first.
CREATE INDEX testimonial_published ON testimonial (workspace_id, approved_at DESC) WHERE status = 'approved';

-- What the schema.org markup of the testimonial widget names as the reviewed item: `item_name`
-- (NULL: the workspace's name) of type `item_type`. One row per workspace, absent: the defaults.
CREATE TABLE testimonial_settings (
  workspace_id uuid PRIMARY KEY REFERENCES workspace (id) ON DELETE CASCADE,
  item_name text,
  item_type text NOT NULL DEFAULT 'Organization',
  item_url text,
  updated_at timestamptz NOT NULL
);

-- The candidates of a workspace (the moderation list) without scanning all its responses.
CREATE INDEX response_testimonial_candidate ON response (workspace_id, created_at DESC, id DESC)
  WHERE testimonial_consent = true AND score >= 9;
