-- The NPS the workspace compares itself with, and where that figure comes from (shown with the
-- benchmark line on the dashboard): {"nps": 40, "source": "…", "url": "https://…", "year": 2025}.
-- Plaudit ships no industry averages of its own: published figures differ by source, year, method
-- and region, so the figure and its source are the workspace's choice (docs/API.md).
ALTER TABLE workspace ADD COLUMN benchmark jsonb;
