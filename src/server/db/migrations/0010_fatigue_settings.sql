-- Survey-fatigue and expiry settings (core/fatigue.ts, core/expiry.ts).
-- The workspace's defaults: at most one survey per contact per `fatigue_days` (0 turns the rule
-- off), a send the rule stops is dropped or postponed to the first allowed instant
-- (`fatigue_on_blocked`), and invitations created by campaigns and trigger rules expire
-- `invitation_expiry_days` after they are due. A survey may override the fatigue settings (NULL:
-- the workspace's); a campaign or trigger rule may override both again (their `fatigue` column).
-- 365 days at most, the bound of core/fatigue.ts (MAX_MIN_DAYS_BETWEEN).
ALTER TABLE workspace
  ADD COLUMN fatigue_days int NOT NULL DEFAULT 90 CHECK (fatigue_days BETWEEN 0 AND 365),
  ADD COLUMN fatigue_on_blocked text NOT NULL DEFAULT 'drop' CHECK (fatigue_on_blocked IN ('drop', 'postpone')),
  ADD COLUMN invitation_expiry_days int NOT NULL DEFAULT 30 CHECK (invitation_expiry_days BETWEEN 1 AND 365);

ALTER TABLE survey
  ADD COLUMN fatigue_days int CHECK (fatigue_days BETWEEN 0 AND 365),
  ADD COLUMN fatigue_on_blocked text CHECK (fatigue_on_blocked IN ('drop', 'postpone'));
