-- Events reported by the website widget (plaudit('track', …), POST /w/v1/events). An anonymous
-- visitor has no contact, so an event belongs to a contact, a widget visitor, or both. `source`
-- tells the server API's events (which may run trigger rules and send email) from the browser's
-- (which never do: a publishable key is public).
ALTER TABLE event ALTER COLUMN contact_id DROP NOT NULL;
ALTER TABLE event ADD COLUMN visitor_id text;
ALTER TABLE event ADD COLUMN source text NOT NULL DEFAULT 'api' CHECK (source IN ('api', 'widget'));
ALTER TABLE event ADD CONSTRAINT event_has_subject CHECK (contact_id IS NOT NULL OR visitor_id IS NOT NULL);
CREATE INDEX event_visitor ON event (workspace_id, visitor_id) WHERE visitor_id IS NOT NULL;
