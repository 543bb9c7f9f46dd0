-- Articles and speeches per publish month.
CREATE OR REPLACE VIEW articles_per_month AS
SELECT a.year, a.month, count(*) AS articles, sum(a.n_speeches)::BIGINT AS speeches, sum(a.char_count)::BIGINT AS characters
FROM articles a
WHERE a.year > 0
GROUP BY a.year, a.month
ORDER BY a.year, a.month;
