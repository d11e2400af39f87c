-- Delivery of an invitation by email through the job queue (jobs/send-invitation.ts).
--
-- status: created (a link only, nothing to send), queued (a send-invitation job exists), sending
-- (an attempt was recorded before the SMTP transaction: a job that finds it again after a crash
-- sends once more with the same message_id), sent, bounced (a permanent rejection at send time),
-- skipped (answered, expired, archived survey, unsubscribed or suppressed; see skip_reason),
-- failed (a permanent error of the set-up; see delivery_error).
ALTER TABLE invitation
  ADD COLUMN status text NOT NULL DEFAULT 'created'
    CHECK (status IN ('created', 'queued', 'sending', 'sent', 'bounced', 'skipped', 'failed')),
  ADD COLUMN send_at timestamptz,
  ADD COLUMN message_id text,
  ADD COLUMN sending_at timestamptz,
  ADD COLUMN sent_at timestamptz,
  ADD COLUMN delivery_error text,
  ADD COLUMN skip_reason text;
