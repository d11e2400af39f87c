-- Reminders of unanswered email invitations (jobs/send-reminder.ts, core/reminders.ts).
--
-- invitation.reminder_plan: {"count", "after_days"} of the invitation; NULL: no reminders (an
-- invitation that is not sent by email, or created before this migration). reminders_sent counts
-- the reminders that went out, last_reminded_at is when the latest did. reminder_sending and
-- reminder_sending_at record the attempt of a reminder before its SMTP transaction (as status
-- 'sending' does for the invitation): a job that finds them after a crash sends again with the
-- same Message-ID.
ALTER TABLE invitation
  ADD COLUMN reminder_plan jsonb,
  ADD COLUMN reminders_sent int NOT NULL DEFAULT 0,
  ADD COLUMN last_reminded_at timestamptz,
  ADD COLUMN reminder_sending int,
  ADD COLUMN reminder_sending_at timestamptz;

-- The reminder plan a campaign gives its invitations; NULL: none.
ALTER TABLE campaign ADD COLUMN reminders jsonb;
