-- The playbook (core/playbook.ts): what happens after each response. NULL on the workspace: the
-- default of PRODUCT.md; NULL on a survey: the workspace's.
ALTER TABLE workspace ADD COLUMN playbook jsonb;
ALTER TABLE survey ADD COLUMN playbook jsonb;
