-- Organisations by number of speeches, with how many distinct speakers and articles; an
-- interviewer's questions (role journalist, whose org is the publishing outlet) do not count, and
-- a speech republished elsewhere counts once; first and last speech by publish day (published_date).
CREATE OR REPLACE VIEW most_active_orgs AS
SELECT speaker_org, count(*) AS speeches, count(DISTINCT speaker_id) AS speakers,
       count(DISTINCT article_id) AS articles, min(published_date) AS first_speech, max(published_date) AS last_speech
FROM speeches
WHERE speaker_org IS NOT NULL AND role <> 'journalist' AND canonical_id = speech_id
GROUP BY speaker_org
ORDER BY speeches DESC, speaker_org;
