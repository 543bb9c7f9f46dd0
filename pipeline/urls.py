"""URL canonicalisation and the identifiers derived from it."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import SplitResult, parse_qsl, urlencode, urlsplit, urlunsplit

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
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if k.lower() not in TRACKING_PARAMETERS]
    return urlunsplit((parts.scheme.lower(), _host(parts), parts.path or "/", urlencode(sorted(query)), ""))


def article_id(url: str) -> str:
    """Stable 16-hex-digit id of an article: a hash of its canonical URL."""
    return hashlib.sha256(canonicalize_url(url).encode("utf-8")).hexdigest()[:16]


def host_of(url: str) -> str:
    """Host as `canonicalize_url` writes it (lower case, port only when not the default, no
    credentials): what `allowed_hosts` is compared with. Raises ValueError for a bad port."""
    return _host(urlsplit(url.strip()))


def _host(parts: SplitResult) -> str:
    host = (parts.hostname or "").lower()
    if ":" in host:  # an IPv6 address keeps its brackets
        host = f"[{host}]"
    if parts.port and parts.port != _DEFAULT_PORTS.get(parts.scheme.lower()):
        host = f"{host}:{parts.port}"
    return host


# user:password@ right after any scheme's "//". The password may hold "/" or ":" (S3 secret
# keys do, unencoded); "@" ends it, as a valid URL must encode its own "@".
_USERINFO = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*://)(?P<user>[^/?#@:\s]*):[^@\s]*@")


def redact(text: str) -> str:
    """`text` with the password of every URL in it replaced by ***, so a message, log line or
    error row can show which URL failed without showing its credentials."""
    return _USERINFO.sub(r"\g<scheme>\g<user>:***@", text)
