-- Unsubscribe links of the emails that are not survey invitations: the playbook's follow-ups
-- (thank-you, testimonial request) and a case's "you told us, we did" message (docs/CLOSING-THE-LOOP.md).
-- A follow-up belongs to a response or a case, which may have no invitation (widget, public link,
-- a case opened by hand), so it cannot use the invitation token of `/u/<token>`. Each follow-up
-- email gets a fresh random token of its contact instead, mailed in its List-Unsubscribe header and
-- footer link; only its SHA-256 is kept here (like member invitations and withdrawal links), so the
-- database and the job queue hold no usable link. `/u/<token>` accepts both kinds of token and does
-- the same thing with either: unsubscribe the contact (contact.unsubscribed_at and an
-- `unsubscribed` suppression). survey_id (nullable) only brands the unsubscribe page.
CREATE TABLE contact_unsubscribe_token (
  token_hash text PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspace (id) ON DELETE CASCADE,
  contact_id uuid NOT NULL REFERENCES contact (id) ON DELETE CASCADE,
  survey_id uuid REFERENCES survey (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX contact_unsubscribe_token_contact ON contact_unsubscribe_token (contact_id);
