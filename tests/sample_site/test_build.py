from __future__ import annotations

from devkit.sample_site import SITE_DIR, load_content, page_paths, site_file
from devkit.sample_site.build import build_pages


def test_committed_site_is_the_build_output():
    built = build_pages()
    for path, data in built.items():
        assert site_file(path).read_bytes() == data, f"{path} differs from a fresh build"
    committed = {"/" + p.relative_to(SITE_DIR).as_posix() for p in SITE_DIR.rglob("*") if p.is_file()}
    assert committed == set(built)


def test_build_is_deterministic():
    assert build_pages() == build_pages()


def test_every_article_page_is_on_disk():
    for content in load_content():
        for path in page_paths(content):
            assert site_file(path).is_file()
