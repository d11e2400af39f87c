-- Keyset pagination carries created_at through JavaScript, whose Date has milliseconds while
-- timestamptz keeps microseconds: a cursor cut to milliseconds would repeat or skip rows at a page
-- boundary. Rows therefore get millisecond timestamps; responses already do (they come from the
-- application's clock).
ALTER TABLE survey ALTER COLUMN created_at SET DEFAULT date_trunc('milliseconds', now());
ALTER TABLE account ALTER COLUMN created_at SET DEFAULT date_trunc('milliseconds', now());
ALTER TABLE contact ALTER COLUMN created_at SET DEFAULT date_trunc('milliseconds', now());
ALTER TABLE invitation ALTER COLUMN created_at SET DEFAULT date_trunc('milliseconds', now());
ALTER TABLE api_key ALTER COLUMN created_at SET DEFAULT date_trunc('milliseconds', now());
ALTER TABLE response ALTER COLUMN created_at SET DEFAULT date_trunc('milliseconds', now());
UPDATE survey SET created_at = date_trunc('milliseconds', created_at);
UPDATE account SET created_at = date_trunc('milliseconds', created_at);
UPDATE contact SET created_at = date_trunc('milliseconds', created_at);
UPDATE invitation SET created_at = date_trunc('milliseconds', created_at);
UPDATE api_key SET created_at = date_trunc('milliseconds', created_at);
UPDATE response SET created_at = date_trunc('milliseconds', created_at)
  WHERE created_at <> date_trunc('milliseconds', created_at);
