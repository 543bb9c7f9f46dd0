-- Average speech length (characters) by the speaker's organisation, each speech once.
CREATE OR REPLACE VIEW avg_speech_length_by_org AS
SELECT speaker_org, count(*) AS speeches, round(avg(char_count), 1) AS avg_characters,
       max(char_count) AS longest
FROM speeches
WHERE speaker_org IS NOT NULL AND canonical_id = speech_id
GROUP BY speaker_org
ORDER BY avg_characters DESC, speaker_org;
