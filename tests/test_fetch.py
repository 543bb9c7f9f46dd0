from __future__ import annotations

import pytest

from pipeline.fetch import FetchError, fetch_page


def test_fetch_reports_the_http_charset(sample_site_url):
    page = fetch_page(f"{sample_site_url}/zscqb/2022/04/27/gclt-zzyj.html")
    assert page.status == 200 and page.charset == "utf-8" and page.content.startswith(b"<!DOCTYPE")


def test_gbk_pages_are_served_without_a_charset(sample_site_url):
    assert fetch_page(f"{sample_site_url}/zscqb/2022/04/27/gclt-zzyj_gb.html").charset is None


def test_http_errors_and_refused_connections_raise_fetch_errors(sample_site_url):
    with pytest.raises(FetchError, match="HTTP 404"):
        fetch_page(f"{sample_site_url}/missing.html")
    with pytest.raises(FetchError) as error:
        fetch_page("http://127.0.0.1:9/")
    assert error.value.reason == "ConnectError"
