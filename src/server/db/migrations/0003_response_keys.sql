-- A response's survey and contact must belong to the response's own workspace: composite foreign
-- keys say so in the database, not only in the application. They also replace three single-column
-- checks by two (the workspace follows from the survey, whose deletion cascades), which is a fifth
-- of the cost of a bulk insert. `ON DELETE SET NULL (contact_id)` keeps workspace_id.
ALTER TABLE survey ADD CONSTRAINT survey_workspace_id_id_key UNIQUE (workspace_id, id);
ALTER TABLE contact ADD CONSTRAINT contact_workspace_id_id_key UNIQUE (workspace_id, id);
ALTER TABLE response DROP CONSTRAINT response_workspace_id_fkey;
ALTER TABLE response DROP CONSTRAINT response_survey_id_fkey;
ALTER TABLE response ADD CONSTRAINT response_survey_fkey
  FOREIGN KEY (workspace_id, survey_id) REFERENCES survey (workspace_id, id) ON DELETE CASCADE;
ALTER TABLE response DROP CONSTRAINT response_contact_id_fkey;
ALTER TABLE response ADD CONSTRAINT response_contact_fkey
  FOREIGN KEY (workspace_id, contact_id) REFERENCES contact (workspace_id, id) ON DELETE SET NULL (contact_id);

-- Most responses come without an invitation or an edit token (API, widget, imports): index only
-- the ones that have one.
ALTER TABLE response DROP CONSTRAINT response_invitation_id_key;
CREATE UNIQUE INDEX response_invitation ON response (invitation_id) WHERE invitation_id IS NOT NULL;
ALTER TABLE response DROP CONSTRAINT response_edit_token_key;
CREATE UNIQUE INDEX response_edit_token ON response (edit_token) WHERE edit_token IS NOT NULL;
