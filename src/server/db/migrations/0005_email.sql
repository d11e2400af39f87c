-- The email channel: unsubscribes and the suppression list the sender consults before every email.

-- When the contact unsubscribed from survey emails (one-click link, the unsubscribe page, or the
-- API); NULL while subscribed. Kept on the contact too, because a contact without an email address
-- can still be asked through other channels and must not be asked by email once it has one.
ALTER TABLE contact ADD COLUMN unsubscribed_at timestamptz;

-- Addresses no survey email goes to, per workspace: unsubscribed, bounced (a permanent SMTP
-- rejection at send time, or a bounce a mail provider reported) or complained (marked as spam).
-- One row per address and reason: a repeated report changes nothing. `email` is stored normalised
-- (trimmed, lower-case) like contact.email, so the unique key also serves the sender's look-up.
CREATE TABLE suppression (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL REFERENCES workspace (id) ON DELETE CASCADE,
  email text NOT NULL,
  contact_id uuid,
  reason text NOT NULL CHECK (reason IN ('unsubscribed', 'bounced', 'complained')),
  -- Where it came from: one-click (RFC 8058 POST), page (the unsubscribe page), smtp, api, or the
  -- name a mail provider's webhook gives.
  source text NOT NULL,
  detail text,
  created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
  UNIQUE (workspace_id, email, reason),
  FOREIGN KEY (workspace_id, contact_id) REFERENCES contact (workspace_id, id) ON DELETE SET NULL (contact_id)
);
CREATE INDEX suppression_workspace_time ON suppression (workspace_id, created_at, id);
CREATE INDEX suppression_contact ON suppression (contact_id) WHERE contact_id IS NOT NULL;
