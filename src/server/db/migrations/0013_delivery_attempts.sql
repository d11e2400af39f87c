-- Delivery attempts of an invitation's email (jobs/send-invitation.ts, docs/OPERATIONS.md
-- "Delivery guarantees").
--
-- delivery_attempts counts the SMTP transactions the send job started for the invitation: it is
-- incremented in the statement that records the attempt (status 'sending', message_id) BEFORE the
-- transaction. 1 for an invitation sent normally. More than 1 means an attempt ended without its
-- result being recorded (a worker killed or cut off from the database mid-send) or failed
-- transiently and was retried: each extra attempt MAY have delivered a duplicate, always with the
-- same Message-ID. So delivery_attempts - 1 is an upper bound on the duplicates of that invitation,
-- and the sum over a campaign bounds (and measures) the duplicates left by crashes.
--
-- Rows from before this migration that have a recorded attempt count as one.
ALTER TABLE invitation ADD COLUMN delivery_attempts int NOT NULL DEFAULT 0;

UPDATE invitation SET delivery_attempts = 1 WHERE message_id IS NOT NULL;
