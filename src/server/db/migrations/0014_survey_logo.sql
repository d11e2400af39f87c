-- The brand logo of a survey's emails: an absolute https/http URL (checked by the API), shown at
-- most 200×48 above the question; NULL: the product name instead.
ALTER TABLE survey ADD COLUMN logo_url text;
