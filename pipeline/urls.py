"""URL canonicalisation and the identifiers derived from it."""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that track a visit rather than select a page.
TRACKING_PARAMETERS = frozenset(
    "utm_source utm_medium utm_campaign utm_term utm_content utm_id gclid fbclid msclkid "
    "spm from share_token share_source sharesource scene src ref_src".split()
)
_DEFAULT_PORTS = {"http": 80, "https": 443}


def canonicalize_url(url: str) -> str:
    """Lower-case scheme and host, no default port, no fragment, no tracking parameters,
    remaining parameters in a stable order."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if parts.port and parts.port != _DEFAULT_PORTS.get(scheme):
        host = f"{host}:{parts.port}"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if k.lower() not in TRACKING_PARAMETERS]
    return urlunsplit((scheme, host, parts.path or "/", urlencode(sorted(query)), ""))


def article_id(url: str) -> str:
    """Stable 16-hex-digit id of an article: a hash of its canonical URL."""
    return hashlib.sha256(canonicalize_url(url).encode("utf-8")).hexdigest()[:16]
