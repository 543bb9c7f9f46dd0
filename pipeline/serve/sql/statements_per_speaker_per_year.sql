-- Speeches and quoted statements side by side, per person per publish year (Asia/Shanghai):
-- what each person said at forums (speeches) and what news reports say they said (quotes).
CREATE OR REPLACE VIEW statements_per_speaker_per_year AS
WITH statements AS (
    SELECT speaker_id, speaker_name, speaker_org, year, 1 AS is_speech, 0 AS is_quote FROM speeches
    WHERE speaker_id IS NOT NULL AND canonical_id = speech_id
    UNION ALL
    SELECT speaker_id, speaker_name, speaker_org, year, 0, 1 FROM quotes WHERE speaker_id IS NOT NULL AND canonical_id = quote_id
)
SELECT speaker_id, any_value(speaker_name) AS speaker_name, any_value(speaker_org) AS speaker_org, year,
       sum(is_speech)::BIGINT AS speeches, sum(is_quote)::BIGINT AS quotes, count(*) AS statements
FROM statements
GROUP BY speaker_id, year
ORDER BY year DESC, statements DESC, speaker_name;
