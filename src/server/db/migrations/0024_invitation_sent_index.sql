-- The response rate counts the invitations delivered in a period (GET /metrics/response-rate).
CREATE INDEX invitation_sent ON invitation (workspace_id, sent_at) WHERE status = 'sent';
