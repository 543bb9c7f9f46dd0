from __future__ import annotations

from pipeline.acquire.discover import canonical_link, feed_links, next_page, page_links, page_number, sitemap_links

LISTING = b"""<html><head><base href="http://news.example/forum/"></head><body>
<a href="content_1.html?utm_source=home&from=list">one</a> <a href="content_1.html#comments">again</a>
<a href="/forum/content_2.html">two</a> <a href="javascript:void(0)">js</a> <a href="mailto:a@b.c">mail</a>
<a href="http://other.example/x.html">elsewhere</a></body></html>"""


def test_links_are_resolved_canonicalised_and_unique():
    urls = [link.url for link in page_links(LISTING, "http://news.example/forum/index.html")]
    assert urls == ["http://news.example/forum/content_1.html", "http://news.example/forum/content_2.html",
                    "http://other.example/x.html"]


def test_canonical_link():
    html = b'<html><head><link rel="canonical" href="/a/b.html?utm_medium=x"></head></html>'
    assert canonical_link(html, "http://news.example/a/b.html?from=rss") == "http://news.example/a/b.html"
    assert canonical_link(b"<html></html>", "http://news.example/") is None


def test_next_page_of_a_multi_page_article():
    page1 = b'<div class="pager"><a href="content_7_2.html">2</a> <a href="content_7_2.html">\xe4\xb8\x8b\xe4\xb8\x80\xe9\xa1\xb5</a></div>'
    assert next_page(page1, "http://x.example/a/content_7.html") == "http://x.example/a/content_7_2.html"
    page2 = b'<a href="content_7.html">\xe4\xb8\x8a\xe4\xb8\x80\xe9\xa1\xb5</a>'
    assert next_page(page2, "http://x.example/a/content_7_2.html", "http://x.example/a/content_7.html") is None
    other = b'<a href="/news/other.html">\xe4\xb8\x8b\xe4\xb8\x80\xe9\xa1\xb5</a>'  # "next article", not a page
    assert next_page(other, "http://x.example/a/content_7.html") is None
    query = b'<a href="?id=3&page=2">next</a>'
    assert next_page(query, "http://x.example/view?id=3") == "http://x.example/view?id=3&page=2"


def test_page_numbers():
    first = "http://x.example/a/content_7.html"
    assert page_number(first, first) == 1
    assert page_number("http://x.example/a/content_7_3.html", first) == 3
    assert page_number("http://x.example/a/content_8_3.html", first) == 0


def test_sitemap_and_index():
    urlset = b"""<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <url><loc>http://x.example/a_1.html</loc><lastmod>2023-04-26</lastmod></url></urlset>"""
    links, nested = sitemap_links(urlset)
    assert links[0].url == "http://x.example/a_1.html" and links[0].published.year == 2023 and nested == []
    index = b"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>http://x.example/s2.xml</loc></sitemap></sitemapindex>"""
    assert sitemap_links(index) == ([], ["http://x.example/s2.xml"])
    assert sitemap_links(b"not xml at all <<<") == ([], [])


def test_rss_and_atom_feeds():
    rss = b"""<rss><channel><item><title>T</title><link>http://x.example/1.html</link>
      <pubDate>Wed, 26 Apr 2023 16:20:00 +0800</pubDate></item></channel></rss>"""
    atom = b"""<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>A</title><link href="http://x.example/2.html"/>
      <published>2023-04-27T08:00:00+08:00</published></entry></feed>"""
    [item] = feed_links(rss)
    [entry] = feed_links(atom)
    assert (item.url, item.published.hour) == ("http://x.example/1.html", 16)
    assert (entry.url, entry.published.day) == ("http://x.example/2.html", 27)
