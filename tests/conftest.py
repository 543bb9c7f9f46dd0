from __future__ import annotations

import pytest

from pipeline.sample_site.server import serve


@pytest.fixture(scope="session")
def sample_site_url():
    """Base URL of the bundled sample site, served on 127.0.0.1 for the whole session."""
    with serve() as site:
        yield site.url

