"""Fetch: get page bytes over HTTP(S) together with what the server said about them."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from pipeline import __version__

USER_AGENT = f"forum-etl/{__version__} (+https://github.com/forum-etl/forum-etl)"
DEFAULT_TIMEOUT = httpx.Timeout(20.0, connect=10.0)


@dataclass(slots=True, frozen=True)
class FetchedPage:
    url: str
    final_url: str
    status: int
    content: bytes
    charset: str | None


class FetchError(RuntimeError):
    """A URL that could not be fetched; `reason` is one short, stable phrase."""

    def __init__(self, url: str, reason: str, detail: str = "") -> None:
        self.url, self.reason, self.detail = url, reason, detail
        super().__init__(f"{reason}: {detail}" if detail else reason)


def fetch_page(url: str, client: httpx.Client | None = None) -> FetchedPage:
    """GET one URL; raises FetchError on a network failure or a non-2xx answer."""
    own_client = client is None
    client = client or httpx.Client(
        headers={"User-Agent": USER_AGENT}, timeout=DEFAULT_TIMEOUT, follow_redirects=True
    )
    try:
        response = client.get(url)
    except httpx.HTTPError as error:
        raise FetchError(url, type(error).__name__, str(error) or "no detail") from error
    finally:
        if own_client:
            client.close()
    if not response.is_success:
        raise FetchError(url, f"HTTP {response.status_code}", response.reason_phrase)
    return FetchedPage(
        url=url,
        final_url=str(response.url),
        status=response.status_code,
        content=response.content,
        charset=response.charset_encoding,
    )
