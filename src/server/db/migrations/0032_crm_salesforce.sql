-- Salesforce as a third CRM (src/server/crm/salesforce.ts, docs/INTEGRATIONS.md "Salesforce").
--
-- Salesforce is reached with the OAuth 2.0 client credentials flow of a connected app: `token`
-- holds the client secret (consumer secret), `client_id` the client id (consumer key); both are
-- stored as given for the reasons in 0029_crm.sql and never returned (hints of four characters).
-- `access_token` and `instance_url` cache what the token endpoint last answered, so a run does not
-- ask for a new session every 5 minutes; they are dropped when the credentials or the URL change,
-- and replaced when Salesforce answers 401 (INVALID_SESSION_ID). NULL for HubSpot and Pipedrive.
ALTER TABLE crm_connection DROP CONSTRAINT crm_connection_provider_check;
ALTER TABLE crm_connection
  ADD CONSTRAINT crm_connection_provider_check CHECK (provider IN ('hubspot', 'pipedrive', 'salesforce')),
  ADD COLUMN client_id text,
  ADD COLUMN access_token text,
  ADD COLUMN instance_url text,
  ADD CONSTRAINT crm_connection_client_id_check CHECK ((provider = 'salesforce') = (client_id IS NOT NULL));
