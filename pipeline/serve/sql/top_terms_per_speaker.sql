-- The ten most used terms of each named speaker (jieba segmentation at publish time).
CREATE OR REPLACE VIEW top_terms_per_speaker AS
WITH totals AS (
    SELECT speaker_id, term, sum("count")::BIGINT AS uses
    FROM speech_terms
    WHERE speaker_id IS NOT NULL AND speech_id IN (SELECT speech_id FROM speeches WHERE canonical_id = speech_id)
    GROUP BY speaker_id, term
), ranked AS (
    SELECT *, row_number() OVER (PARTITION BY speaker_id ORDER BY uses DESC, term) AS rank
    FROM totals
)
SELECT r.speaker_id, s.speaker_name, r.rank, r.term, r.uses
FROM ranked r JOIN speakers s USING (speaker_id)
WHERE r.rank <= 10
ORDER BY s.speaker_name, r.rank;
