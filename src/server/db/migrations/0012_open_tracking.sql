-- Open tracking of survey emails (channels/email/open-pixel-routes.ts, core/invitation-lifecycle.ts).
--
-- workspace.track_opens: when true, survey and reminder emails carry a 1x1 transparent image
-- `/o/<invitation token>.gif`, and its first fetch is recorded as the invitation's opened_at.
-- Off by default, for privacy: a tracking pixel tells the sender when and whether someone read an
-- email, which recipients did not ask for (in the EU it may need consent, ePrivacy art. 5(3)); a
-- workspace turns it on deliberately. The pixel carries no new secret: it uses the invitation's
-- token, which the email's one-click links already contain.
--
-- invitation.opened_at: the FIRST open only (later fetches change nothing). An upper bound, not a
-- count of readers: Apple Mail Privacy Protection (and some security scanners) fetch every image
-- when the email arrives, whether anyone reads it; clients that block images never report one.
ALTER TABLE workspace ADD COLUMN track_opens boolean NOT NULL DEFAULT false;

ALTER TABLE invitation ADD COLUMN opened_at timestamptz;
