-- How widely each story and speech was carried: every canonical item with copies, how many,
-- and on which sites (hosts of the copies' URLs), the first and last day published (the pages' own zone).
CREATE OR REPLACE VIEW copies AS
SELECT 'article' AS item_kind, a.canonical_id, any_value(c.title) AS title, count(*) AS copies,
       list(DISTINCT regexp_extract(a.url, '://([^/]+)', 1) ORDER BY regexp_extract(a.url, '://([^/]+)', 1)) AS sites,
       min(a.published_date) AS first_published, max(a.published_date) AS last_published
FROM articles a JOIN articles c ON c.article_id = a.canonical_id
WHERE a.canonical_id <> a.article_id
GROUP BY a.canonical_id
UNION ALL
SELECT 'speech', s.canonical_id, any_value(c.speaker_name), count(*),
       list(DISTINCT regexp_extract(a.url, '://([^/]+)', 1) ORDER BY regexp_extract(a.url, '://([^/]+)', 1)),
       min(s.published_date), max(s.published_date)
FROM speeches s JOIN speeches c ON c.speech_id = s.canonical_id JOIN articles a ON a.article_id = s.article_id
WHERE s.canonical_id <> s.speech_id
GROUP BY s.canonical_id
ORDER BY copies DESC, canonical_id;
