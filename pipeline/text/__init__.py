"""Text: bytes in, `Article` out, no I/O — extract (encoding, main content, metadata), clean
(body only, credits as metadata), split by speaker."""
