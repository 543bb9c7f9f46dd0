-- Speeches per named speaker per publish year (Asia/Shanghai).
CREATE OR REPLACE VIEW speeches_per_speaker_per_year AS
SELECT speaker_id, any_value(speaker_name) AS speaker_name, any_value(speaker_org) AS speaker_org,
       year, count(*) AS speeches, sum(char_count)::BIGINT AS characters
FROM speeches
WHERE speaker_id IS NOT NULL AND canonical_id = speech_id  -- each speech once, however often republished
GROUP BY speaker_id, year
ORDER BY year DESC, speeches DESC, speaker_name;
