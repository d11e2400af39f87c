-- Full-text search over response comments (GET /responses?q=, themes' `search`): each comment is
-- indexed with the stemming of its own language, German for a locale 'de…', English otherwise
-- (also without a locale). The same expression picks the query's language in repo/responses.ts
-- (`COMMENT_LANGUAGE_IS_GERMAN`): change both together.
--
-- A stored generated column rather than an expression index: the database keeps it current on
-- every insert and comment edit (no application code can forget it), and a search that does not
-- use the index (a small workspace, read newest first) reads the vector instead of recomputing it
-- per row. Adding it rewrites the table once. The GIN index uses its pending list (fastupdate),
-- so an insert appends to it instead of updating the index's posting trees.
ALTER TABLE response ADD COLUMN comment_tsv tsvector GENERATED ALWAYS AS (
  to_tsvector(
    CASE WHEN coalesce(locale, '') LIKE 'de%' THEN 'german'::regconfig ELSE 'english'::regconfig END,
    coalesce(comment, '')
  )
) STORED;

CREATE INDEX response_comment_tsv ON response USING gin (comment_tsv);
