from __future__ import annotations

import time
from dataclasses import replace

import httpcore
import pytest

from devkit.sample_site.server import Fault, serve
from pipeline.acquire import fetch
from pipeline.acquire.config import Politeness
from pipeline.acquire.fetch import Fetcher, FetchError, fetch_page


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


# -- redirects: every hop is checked before it is requested --------------------------------

QUICK = Politeness(requests_per_second=0, max_retries=0, timeout_seconds=2.0, user_agent="forum-etl-tests")
PAGE = "/zscqb/2022/04/27/gclt-zzyj.html"


def host(site_url: str) -> str:
    return site_url.split("//", 1)[1]


def connections(monkeypatch) -> list[str]:
    """Hosts the fetcher's transport opens connections to, recorded as they happen."""
    opened: list[str] = []
    connect = httpcore.SyncBackend.connect_tcp

    def recording(self, host, port, *args, **kwargs):
        opened.append(host)
        return connect(self, host, port, *args, **kwargs)

    monkeypatch.setattr(httpcore.SyncBackend, "connect_tcp", recording)
    return opened


def test_a_redirect_within_the_allowed_hosts_is_followed():
    with serve(faults={"/moved.html": Fault("redirect", location=PAGE)}) as site:
        with Fetcher(QUICK, allowed_hosts=[host(site.url)]) as fetcher:
            page = fetcher.get(site.url + "/moved.html")
    assert page.status == 200 and page.final_url == site.url + PAGE and page.content.startswith(b"<!DOCTYPE")


@pytest.mark.parametrize("target", ["other_port", "http://127.0.0.2:{port}" + PAGE, "http://169.254.169.254/latest/meta-data/"])
def test_a_redirect_off_the_allowed_hosts_is_refused_before_it_is_requested(monkeypatch, target):
    opened = connections(monkeypatch)
    with serve() as outside:
        location = outside.url + PAGE if target == "other_port" else target.format(port=outside.url.rsplit(":", 1)[1])
        with serve(faults={"/moved.html": Fault("redirect", location=location)}) as site:
            with Fetcher(QUICK, allowed_hosts=[host(site.url)]) as fetcher, pytest.raises(FetchError) as error:
                fetcher.get(site.url + "/moved.html")
    assert error.value.reason == "RedirectOffsite" and error.value.attempts == 1
    assert outside.requests == [] and set(opened) == {"127.0.0.1"}


@pytest.mark.parametrize(("location", "reason"), [
    ("ftp://127.0.0.1/file.html", "RedirectScheme"), ("file:///etc/passwd", "RedirectScheme"),
    ("javascript:alert(1)", "InvalidURL"), ("http://[127.0.0.1/", "RedirectInvalid"),
])
def test_a_redirect_to_another_scheme_or_nowhere_is_refused(location, reason):
    with serve(faults={"/moved.html": Fault("redirect", location=location)}) as site:
        with Fetcher(QUICK, allowed_hosts=[host(site.url)]) as fetcher, pytest.raises(FetchError) as error:
            fetcher.get(site.url + "/moved.html")
    assert error.value.reason == reason and site.paths() == ["/robots.txt", "/moved.html"]


def test_a_redirect_that_robots_txt_disallows_is_refused():
    with serve(faults={"/moved.html": Fault("redirect", location="/private/secret.html")}) as site:
        with Fetcher(QUICK, allowed_hosts=[host(site.url)]) as fetcher, pytest.raises(FetchError) as error:
            fetcher.get(site.url + "/moved.html")
    assert error.value.reason == "RedirectDisallowed" and "/private/secret.html" not in site.paths()


def test_a_redirect_of_robots_txt_off_site_puts_the_site_off_limits():
    with serve() as outside, serve(faults={"/robots.txt": Fault("redirect", location=outside.url + "/robots.txt")}) as site:
        with Fetcher(QUICK, allowed_hosts=[host(site.url)]) as fetcher, pytest.raises(FetchError) as error:
            fetcher.get(site.url + PAGE)
    assert error.value.reason == "RobotsUnreachable" and "RedirectOffsite" in error.value.detail
    assert outside.requests == []


# -- robots.txt as RFC 9309 reads it ----------------------------------------------------------

# RFC 9309 section 5.1, with the standard's own paths.
RFC_EXAMPLE = """\
User-Agent: *
Disallow: *.gif$
Disallow: /example/
Allow: /publications/

User-Agent: foobot
Disallow:/
Allow:/example/page.html
Allow:/example/allowed.gif

User-Agent: barbot
User-Agent: bazbot
Disallow: /example/page.html

User-Agent: quxbot
"""


def robots_decisions(robots: str, user_agent: str, paths: list[str]) -> dict[str, str]:
    """Each path's fate on a site serving `robots`: "fetched" (requested: the site answers 404
    for most of these paths, which is fine) or the reason the fetcher refused it."""
    decided = {}
    with serve(robots=robots) as site, Fetcher(replace(QUICK, user_agent=user_agent)) as fetcher:
        for path in paths:
            try:
                fetcher.get(site.url + path)
            except FetchError as error:
                if error.reason.startswith("Robots"):
                    decided[path] = error.reason
                    continue
            decided[path] = "fetched"
        requested = {request.path for request in site.requests}
    assert requested - {"/robots.txt"} == {path.split("?")[0] for path, fate in decided.items() if fate == "fetched"}
    return decided


@pytest.mark.parametrize(("user_agent", "expected"), [
    # The * group: "$" ends a pattern, "*" matches anything, Allow and Disallow by folder.
    ("forum-etl/0.1 (+https://example.org/bot)", {
        "/foo.gif": "RobotsDisallowed", "/a/b/c.gif": "RobotsDisallowed", "/foo.gif?x=1": "fetched",
        "/example/": "RobotsDisallowed", "/example/page.html": "RobotsDisallowed",
        "/publications/": "fetched", "/index.html": "fetched"}),
    # foobot's own group only (not *): everything disallowed but two pages, by the longest match.
    ("foobot/2.1", {
        "/example/page.html": "fetched", "/example/allowed.gif": "fetched", "/example/other.html": "RobotsDisallowed",
        "/publications/": "RobotsDisallowed", "/": "RobotsDisallowed"}),
    # Two user-agent lines head one group.
    ("bazbot", {"/example/page.html": "RobotsDisallowed", "/example/": "fetched", "/foo.gif": "fetched"}),
    # An empty group allows everything.
    ("quxbot", {"/example/page.html": "fetched", "/foo.gif": "fetched"}),
])
def test_robots_txt_groups_wildcards_and_end_anchors_as_rfc_9309_example(user_agent, expected):
    assert robots_decisions(RFC_EXAMPLE, user_agent, list(expected)) == expected


def test_robots_txt_the_longest_match_wins_and_allow_wins_a_tie():
    robots = ("User-Agent: *\n"
              "Allow: /example/page/\nDisallow: /example/page/disallowed.gif\n"  # RFC 9309 5.2
              "Disallow: /*?print=\n"  # the case: a query parameter anywhere
              "Disallow: /zscqb/\nAllow: /zscqb/2022/04/27/gclt-zzyj.html\n"  # Allow opening one page of a folder
              "Disallow: /tie.html\nAllow: /tie.html\n")
    paths = ["/example/page/", "/example/page/disallowed.gif", "/a/b.html?print=1", "/a/b.html",
             PAGE, "/zscqb/2022/04/27/other.html", "/tie.html"]
    assert robots_decisions(robots, "forum-etl-tests", paths) == {
        "/example/page/": "fetched", "/example/page/disallowed.gif": "RobotsDisallowed",
        "/a/b.html?print=1": "RobotsDisallowed", "/a/b.html": "fetched",
        PAGE: "fetched", "/zscqb/2022/04/27/other.html": "RobotsDisallowed", "/tie.html": "fetched"}


def test_robots_txt_groups_for_our_token_are_combined_and_crawl_delay_is_our_groups():
    robots = ("User-agent: forum-etl-tests\nDisallow: /a/\n\n"
              "User-agent: *\nDisallow: /\nCrawl-delay: 5\n\n"
              "User-agent: forum-etl-tests\nDisallow: /b/\nCrawl-delay: 0.25\n")
    assert robots_decisions(robots, "forum-etl-tests/1.0", ["/a/x.html", "/b/x.html", "/c/x.html"]) == {
        "/a/x.html": "RobotsDisallowed", "/b/x.html": "RobotsDisallowed", "/c/x.html": "fetched"}
    with serve(robots=robots) as site, Fetcher(replace(QUICK, user_agent="forum-etl-tests/1.0")) as fetcher:
        fetcher.get(site.url + PAGE)
        assert fetcher._gate(host(site.url)).interval == 0.25


@pytest.mark.parametrize(("fault", "reason", "cause"), [
    (Fault("status", status=404), None, None),  # no robots.txt: everything allowed
    (Fault("status", status=403), None, None),  # RFC 9309: any 4xx is "unavailable", not "disallowed"
    (Fault("status", status=503), "RobotsUnreachable", "HTTP 503"),
    (Fault("reset"), "RobotsUnreachable", "Error"),  # ReadError, RemoteProtocolError …
    (Fault("slow", delay=1.5), "RobotsUnreachable", "ReadTimeout"),
])
def test_an_unavailable_robots_txt_allows_all_and_an_unreachable_one_is_named(fault, reason, cause):
    politeness = replace(QUICK, timeout_seconds=0.5, max_retries=1, backoff_seconds=0.01)
    with serve(faults={"/robots.txt": fault}) as site, Fetcher(politeness) as fetcher:
        if reason is None:
            assert fetcher.get(site.url + PAGE).status == 200
            return
        with pytest.raises(FetchError) as error:
            fetcher.get(site.url + PAGE)
        assert site.paths() == ["/robots.txt", "/robots.txt"]  # retried once, the page never asked for
    assert error.value.reason == reason and error.value.attempts == 0
    assert str(error.value).startswith("RobotsUnreachable: robots.txt unreachable (") and cause in str(error.value)
    assert "disallows" not in str(error.value)


def test_robots_txt_that_is_refused_connection_is_unreachable():
    with serve() as site:
        pass  # closed: nothing listens on its port any more
    with Fetcher(QUICK) as fetcher, pytest.raises(FetchError) as error:
        fetcher.get(site.url + PAGE)
    assert error.value.reason == "RobotsUnreachable" and "ConnectError" in str(error.value)


# -- link-local and cloud metadata addresses ------------------------------------------------

@pytest.mark.parametrize(("address", "link_local"), [
    ("169.254.169.254", True), ("169.254.0.1", True), ("fe80::1%eth0", True), ("fd00:ec2::254", True),
    ("100.100.100.200", True), ("::ffff:169.254.169.254", True), ("64:ff9b::a9fe:a9fe", True),
    ("127.0.0.1", False), ("::1", False), ("10.0.0.1", False), ("100.100.100.201", False), ("203.0.113.9", False),
])
def test_link_local_addresses(address, link_local):
    assert fetch._is_link_local(address) is link_local


def test_a_redirect_to_the_metadata_service_is_refused_before_connecting(monkeypatch, sample_site_url):
    opened = connections(monkeypatch)
    with serve(faults={"/moved.html": Fault("redirect", location="http://169.254.169.254/latest/meta-data/")}) as site:
        with pytest.raises(FetchError) as error:
            fetch_page(site.url + "/moved.html")  # any host is fine here, but not this one
    assert error.value.reason == "LinkLocalAddress" and "169.254.169.254" in str(error.value)
    assert set(opened) == {"127.0.0.1"}


def test_a_name_resolving_to_a_link_local_address_is_refused_unless_allowed(monkeypatch, sample_site_url):
    opened = connections(monkeypatch)
    # 127.0.0.1 stands in for a link-local address, so that nothing leaves this machine.
    monkeypatch.setattr(fetch, "_is_link_local", lambda address: address == "127.0.0.1")
    with pytest.raises(FetchError) as error:
        fetch_page(sample_site_url + PAGE)
    assert (error.value.reason, error.value.attempts, opened) == ("LinkLocalAddress", 0, [])
    with Fetcher(replace(QUICK, respect_robots=False, allow_link_local=True)) as fetcher:
        assert fetcher.get(sample_site_url + PAGE).status == 200


def test_a_connection_that_lands_on_a_link_local_address_is_dropped(monkeypatch, sample_site_url):
    # The name resolved elsewhere when checked, then to a link-local address (DNS rebinding).
    checks = iter([False])
    monkeypatch.setattr(fetch, "_is_link_local", lambda address: next(checks, True))
    with pytest.raises(FetchError) as error:
        fetch_page(sample_site_url + PAGE)
    assert error.value.reason == "ConnectError" and "link-local" in str(error.value)


# -- one deadline per request ---------------------------------------------------------------

@pytest.mark.parametrize("kind", ["trickle", "trickle_headers"])
def test_a_trickling_server_cannot_outlive_the_timeout(kind):
    with serve(faults={"/slow.html": Fault(kind, size=40, delay=0.25)}) as site:
        with Fetcher(replace(QUICK, respect_robots=False, timeout_seconds=1.0)) as fetcher:
            started = time.monotonic()
            with pytest.raises(FetchError) as error:
                fetcher.get(site.url + "/slow.html")
            elapsed = time.monotonic() - started
    # Each byte comes well within the timeout; only a deadline for the whole answer stops it.
    assert error.value.reason == "ReadTimeout" and elapsed < 1.5


# -- credentials in URLs --------------------------------------------------------------------

def test_credentials_never_appear_in_fetch_errors(sample_site_url):
    target = "http://crawler:s3cret-pw@127.0.0.1:9/"
    with serve(faults={"/moved.html": Fault("redirect", location=target)}) as site:
        with Fetcher(QUICK, allowed_hosts=[host(site.url)]) as fetcher, pytest.raises(FetchError) as offsite:
            fetcher.get(site.url + "/moved.html")
    with pytest.raises(FetchError) as refused:
        fetch_page(target)
    for error in (offsite.value, refused.value):
        assert "s3cret-pw" not in f"{error} {error.url} {error.detail}"
    assert "crawler:***@127.0.0.1:9" in str(offsite.value)
