-- Monthly sums of response_attribute_daily, kept current in the same statements. A breakdown
-- over a long range reads its whole months here and only the partial months at its edges from
-- the daily rollup: by a 50-value attribute over two years in 3 surveys that is about 40,000
-- monthly rows and at most 60 days of daily ones, instead of 1.1 million daily rows (208-276 ms
-- p95 to sum on 2 cores in bench/metrics-10m.ts). Trends by day still read the daily rollup.
CREATE TABLE response_attribute_monthly (
  workspace_id uuid NOT NULL REFERENCES workspace (id) ON DELETE CASCADE,
  key text NOT NULL,
  month date NOT NULL,
  survey_id uuid NOT NULL REFERENCES survey (id) ON DELETE CASCADE,
  value text NOT NULL,
  score smallint NOT NULL,
  count integer NOT NULL,
  PRIMARY KEY (workspace_id, key, month, survey_id, value, score)
);

INSERT INTO response_attribute_monthly (workspace_id, key, month, survey_id, value, score, count)
SELECT workspace_id, key, date_trunc('month', day::timestamp)::date, survey_id, value, score, sum(count)
FROM response_attribute_daily
GROUP BY 1, 2, 3, 4, 5, 6;
