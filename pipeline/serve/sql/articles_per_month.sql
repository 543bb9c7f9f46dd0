-- Articles and speeches per publish month, each story once (copies on other sites aside: see copies).
CREATE OR REPLACE VIEW articles_per_month AS
SELECT a.year, a.month, count(*) AS articles, sum(a.n_speeches)::BIGINT AS speeches, sum(a.char_count)::BIGINT AS characters
FROM articles a
WHERE a.year > 0 AND a.canonical_id = a.article_id
GROUP BY a.year, a.month
ORDER BY a.year, a.month;
