-- Who news reports quote most: people (one row per speaker_id), unnamed offices
-- ("外交部发言人") and organisations ("国家统计局"), with how many articles quote them, first and last day quoted.
CREATE OR REPLACE VIEW most_quoted AS
SELECT speaker_kind, coalesce(speaker_id, speaker_name) AS speaker_key, any_value(speaker_name) AS speaker_name,
       any_value(speaker_org) AS speaker_org, count(*) AS quotes, count(*) FILTER (WHERE kind = 'direct') AS direct_quotes,
       count(DISTINCT article_id) AS articles, min(published_date) AS first_quoted, max(published_date) AS last_quoted
FROM quotes
WHERE canonical_id = quote_id  -- a quote repeated by other copies counts once
GROUP BY speaker_kind, coalesce(speaker_id, speaker_name)
ORDER BY quotes DESC, speaker_name;
