from __future__ import annotations

from datetime import date, datetime, timezone

from pipeline.archive import RawPage, write_raw_pages
from pipeline.sample_site import SITE_DIR
from pipeline.storage import Warehouse
from pipeline.transform import archived_articles

NOW = datetime(2024, 1, 1, tzinfo=timezone.utc)
MULTI = "/gclt/2023/11/15/content_318822"


def raw(url: str, body: bytes, article_url: str, number: int) -> RawPage:
    return RawPage(url, url, "article", article_url, number, 200, "text/html", None, None, None, NOW, "x" * 64, body, "s", "r")


def test_pages_are_joined_in_order_bad_pages_are_errors_and_dates_filter(tmp_path):
    warehouse = Warehouse.open(str(tmp_path))
    first = "http://h" + MULTI + ".html"
    second = "http://h" + MULTI + "_2.html"
    seed = "http://h/zscqb/2022/04/27/gclt-zzyj.html"
    write_raw_pages(warehouse, "r", "b0000-00000", [
        raw(second, (SITE_DIR / (MULTI[1:] + "_2.html")).read_bytes(), first, 2),
        raw(first, (SITE_DIR / (MULTI[1:] + ".html")).read_bytes(), first, 1),
        raw(seed, (SITE_DIR / "zscqb/2022/04/27/gclt-zzyj.html").read_bytes(), seed, 1),
        raw("http://h/empty.html", b"", "http://h/empty.html", 1),
    ])
    processed = {p.url: p for p in archived_articles(warehouse)}
    assert processed["http://h/empty.html"].error == "empty page"
    assert [s.speaker_name for s in processed[first].article.speeches] == ["郑文涛", "韩雪梅"]
    assert len(processed[seed].article.speeches) == 4
    recent = {p.url for p in archived_articles(warehouse, since=date(2023, 1, 1)) if p.article}
    assert recent == {first}
