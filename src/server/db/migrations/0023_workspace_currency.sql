-- The currency of account revenue (ISO 4217), for the dashboard's revenue at risk and
-- revenue-weighted figures.
ALTER TABLE workspace ADD COLUMN currency text NOT NULL DEFAULT 'EUR' CHECK (currency ~ '^[A-Z]{3}$');
