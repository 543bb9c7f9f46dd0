"""Render the bundled sample news site.

    python -m devkit.sample_site.build [--out DIR]

Renders every ``content/*.toml`` article with its template (``classic`` or
``modern``) plus listing pages, section pages, the home page and a few static
pages into ``devkit/sample_site/site/`` (default).  Output is deterministic:
no clocks, no randomness, no hash() -- the same content gives the same bytes.

Public API (reused by benchmarks):

* ``render_article(content, template=None, *, page=1, context=None) -> bytes``
  renders one page of one article, encoded with ``content["encoding"]``.
  ``template`` is a layout name ("classic" / "modern"); ``None`` means
  ``content["template"]``.  ``context`` optionally supplies site chrome
  (prev/next, sidebar lists); without it generic chrome is used, so a bare
  content dict (title, paragraphs, ...) is enough.
* ``render_pages(content, template=None, *, context=None) -> list[bytes]``
* ``build_site(out_dir) -> list[pathlib.Path]``
"""

from __future__ import annotations

import argparse
import datetime as _dt
import functools
import html
import json
import pathlib
import posixpath
import string
import struct
import sys
import zlib

from . import SITE_DIR, TEMPLATES_DIR, load_content, page_paths, site_file

BASE_URL = "https://www.cipnews.example"
SITE_NAME = "中国知识产权资讯网"
EXTERNAL_LINK = "http://www.othersite.example/ipnews/2024/0426/forum-review.html"
TRACKING_QUERY = "?from=list&utm_source=home"
LISTING_PAGE_SIZE = 4

# (section id, display name, href) -- the nav bar, in order.
SECTIONS = [
    ("home", "首页", "/index.html"),
    ("xw", "新闻", "/xw/index.html"),
    ("gclt", "高层论坛", "/gclt/index.html"),
    ("ft", "访谈", "/ft/index.html"),
    ("zt", "专题", "/zt/index.html"),
    ("gj", "国际", "/gj/index.html"),
]
SECTION_NAMES = {sid: name for sid, name, _ in SECTIONS}
SECTION_HREFS = {sid: href for sid, _, href in SECTIONS}

# Generic sidebar headlines, used only when render_article() gets no site
# context (e.g. synthetic benchmark pages).
DEFAULT_HEADLINES = [
    ("国家知识产权局发布年度知识产权保护典型案例", "/xw/2024/03/12/content_350101.html"),
    ("多地出台知识产权保护条例 地方立法步伐加快", "/xw/2024/03/08/content_349870.html"),
    ("专家解读：数据知识产权登记试点进展如何", "/ft/2024/02/27/content_348512.html"),
    ("商标恶意注册行为持续受到严厉打击", "/xw/2024/02/20/content_347733.html"),
    ("地理标志助力特色产业发展 农民增收有了新路径", "/gj/2024/02/18/content_347402.html"),
    ("知识产权质押融资规模再创新高", "/xw/2024/01/30/content_345988.html"),
    ("高校专利转化运用专项行动启动实施", "/zt/2024/01/22/content_345106.html"),
    ("海外知识产权纠纷应对指导体系不断完善", "/gj/2024/01/15/content_344357.html"),
    ("版权保护新技术应用成效明显", "/xw/2024/01/09/content_343640.html"),
]

COMMENT_POOL = [
    ("知产观察员", "讲得很透彻，干货满满！建议收藏。"),
    ("江南小吴", "希望基层执法也能跟上，维权成本确实太高了……"),
    ("专利代理人老周", "“严保护”不是一句口号，关键在落实。点赞！"),
    ("游客", "请问论坛的视频回放在哪里可以看到？"),
    ("sunny_ip", "数据知识产权这块期待出台更具体的规则：确权、流通、收益分配都需要明确。"),
    ("法学院学生", "已转发给同学，写论文正好用得上，谢谢分享！"),
    ("深圳创业者", "小企业最怕被恶意投诉，希望平台规则再完善一些。"),
    ("网友 北方的雪", "说得好！知识产权保护，人人有责。\U0001F44D"),  # emoji: not in GBK -> &#128077; on GBK pages
    ("老读者", "这组报道很专业，支持！期待后续深度解读。"),
]
COMMENT_TIMES = [(1, "09:12"), (1, "14:36"), (2, "21:05")]

STATIC_PAGES = {
    "/about.html": ("关于我们", [
        "中国知识产权资讯网是中国知识产权报社主办的知识产权专业新闻网站，致力于及时、准确地报道知识产权领域的新闻动态、政策法规和实务热点。",
        "本网设有新闻、高层论坛、访谈、专题、国际等栏目，面向政府部门、司法机关、企业、高校、服务机构及社会公众提供资讯服务。",
    ]),
    "/contact.html": ("联系我们", [
        "地址：北京市海淀区某某路某号（邮编：100000）",
        "新闻热线：010-00000000　　投稿邮箱：tougao@cipnews.example",
        "广告合作：010-00000001　　网站维护：webmaster@cipnews.example",
    ]),
    "/copyright.html": ("版权声明", [
        "凡本网注明“来源：中国知识产权报”或“来源：中国知识产权资讯网”的所有作品，版权均属于中国知识产权报社，未经书面授权，任何媒体、网站或个人不得转载、摘编或以其他方式使用。",
        "本网转载其他媒体的作品，目的在于传递更多信息，并不代表本网赞同其观点或对其真实性负责。如有作品内容、版权等问题，请在作品发表之日起30日内与本网联系。",
    ]),
}

DEFAULT_META_FORMAT = {
    "classic": "文章来源: {source}&nbsp;&nbsp;&nbsp;&nbsp;发布时间: {date}",
    "modern": '<span class="source">来源：{source}</span><span class="time">{date}</span>',
}
DEFAULT_INDENT = {"classic": "&nbsp;&nbsp;&nbsp;&nbsp;", "modern": ""}
HTML_LANG = {"zh-Hans": "zh-CN", "zh-Hant": "zh-TW"}
LAYOUTS = ("classic", "modern")


# --------------------------------------------------------------------------
# small helpers

def esc(text: str) -> str:
    """Escape text for element content; U+00A0 becomes ``&nbsp;``."""
    return html.escape(text, quote=False).replace("\xa0", "&nbsp;")


def esc_attr(text: str) -> str:
    return html.escape(text, quote=True).replace("\xa0", "&nbsp;")


def _crc(text: str) -> int:
    return zlib.crc32(text.encode("utf-8")) & 0xFFFFFFFF


@functools.cache
def _template(name: str) -> string.Template:
    return string.Template((TEMPLATES_DIR / name).read_text(encoding="utf-8"))


def _fill(name: str, **values: str) -> str:
    return _template(name).substitute(values)


def _published(content: dict) -> _dt.datetime:
    return _dt.datetime.fromisoformat(content["published"])


def _render(content: dict) -> dict:
    return content.get("render") or {}


def _summary(content: dict, limit: int = 70) -> str:
    """First substantial paragraph, truncated -- used for description/listings."""
    paras = content.get("paragraphs") or []
    text = next((p for p in paras if len(p) >= 30), paras[0] if paras else "")
    text = text.replace("\xa0", " ")
    return text if len(text) <= limit else text[:limit] + "……"


def _page_ranges(content: dict) -> list[tuple[int, int]]:
    n = len(content.get("paragraphs") or [])
    cuts = [0] + list(content.get("page_breaks") or []) + [n]
    return [(cuts[i], cuts[i + 1]) for i in range(len(cuts) - 1)]


def _relhref(from_path: str, to_path: str) -> str:
    return posixpath.relpath(to_path, posixpath.dirname(from_path) or "/")


def _png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A tiny solid-colour PNG (stored deflate blocks, so byte-stable)."""
    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))

    def chunk(tag: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(tag + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(raw, 0)) + chunk(b"IEND", b""))


# --------------------------------------------------------------------------
# chrome pieces

def _nav(layout: str, active: str) -> str:
    if layout == "classic":
        return " | ".join(f'<a href="{href}">{name}</a>' for _, name, href in SECTIONS)
    lines = []
    for sid, name, href in SECTIONS:
        cls = ' class="active"' if sid == active else ""
        lines.append(f'    <li{cls}><a href="{href}">{name}</a></li>')
    return "\n".join(lines)


def _breadcrumb(section: str, last: str = "正文") -> str:
    sep = " &gt; "
    parts = ['<a href="/index.html">首页</a>']
    if section in SECTION_HREFS and section != "home":
        parts.append(f'<a href="{SECTION_HREFS[section]}">{SECTION_NAMES[section]}</a>')
    if last:
        parts.append(last)
    return "当前位置：" + sep.join(parts)


def _link_items(items: list[tuple[str, str]], indent: str) -> str:
    return "\n".join(f'{indent}<li><a href="{esc_attr(href)}" title="{esc_attr(title)}">{esc(title)}</a></li>'
                     for title, href in items)


def _comments(content: dict, layout: str) -> tuple[str, int]:
    slug = content.get("slug", "")
    seed = _crc(slug)
    count = 2 + seed % 2
    start = seed % len(COMMENT_POOL)
    picked = [COMMENT_POOL[(start + 3 * i) % len(COMMENT_POOL)] for i in range(count)]
    try:
        day0 = _published(content).date()
    except (KeyError, ValueError):
        day0 = _dt.date(2024, 1, 1)
    rows = []
    for (user, text), (plus, hhmm) in zip(picked, COMMENT_TIMES):
        when = f"{(day0 + _dt.timedelta(days=plus)).isoformat()} {hhmm}"
        if layout == "classic":
            rows.append('        <tr>\n          <td style="border-bottom: 1px dotted #CCCCCC;">'
                        f'<font color="#003399">{esc(user)}</font> <font color="#999999">[{when}]</font>：{esc(text)}</td>\n        </tr>')
        else:
            rows.append(f'        <li><span class="user">{esc(user)}</span><span class="time">{when}</span>'
                        f'<p>{esc(text)}</p></li>')
    return "\n".join(rows), count


def _prev_next(layout: str, ctx: dict) -> str:
    def one(label: str, item) -> str:
        if not item:
            return f"{label}没有了"
        title, href = item
        return f'{label}<a href="{esc_attr(href)}">{esc(title)}</a>'
    prev, nxt = one("上一篇：", ctx.get("prev")), one("下一篇：", ctx.get("next"))
    if layout == "classic":
        return f"{prev}<br />\n{nxt}"
    return f'      <p class="prev">{prev}</p>\n      <p class="next">{nxt}</p>'


def _pager(layout: str, paths: list[str], page: int) -> str:
    if len(paths) < 2:
        return ""
    def href(n: int) -> str:  # sibling pages live in the same directory
        return posixpath.basename(paths[n - 1])

    parts = []
    if page > 1:
        parts.append(f'<a href="{href(page - 1)}">上一页</a>')
    else:
        parts.append('<span class="disabled">上一页</span>')
    for n in range(1, len(paths) + 1):
        parts.append(f'<span class="current">{n}</span>' if n == page else f'<a href="{href(n)}">{n}</a>')
    if page < len(paths):
        parts.append(f'<a href="{href(page + 1)}">下一页</a>')
    else:
        parts.append('<span class="disabled">下一页</span>')
    inner = " ".join(parts)
    if layout == "classic":
        return f'        <tr>\n          <td align="center" height="40" class="pager">{inner}</td>\n        </tr>'
    return f'      <div class="pager">{inner}</div>'


def _charset_meta(content: dict, layout: str) -> str:
    cs = content.get("declared_charset", "utf-8")
    if not cs:
        return ""
    style = _render(content).get("charset_meta") or ("http-equiv" if layout == "classic" else "html5")
    if style == "http-equiv":
        return f'<meta http-equiv="Content-Type" content="text/html; charset={cs}" />'
    if style == "html5-bare":
        return f"<meta charset={cs}>"
    return f'<meta charset="{cs}">'


# --------------------------------------------------------------------------
# article body

def _label_split(text: str) -> tuple[str, str]:
    cut = [i for i in (text.find("："), text.find(":")) if i >= 0]
    if not cut:
        return "", text
    i = min(cut) + 1
    return text[:i], text[i:]


def _body(content: dict, layout: str, start: int, end: int, last_page: bool) -> str:
    r = _render(content)
    paras = content.get("paragraphs") or []
    style = r.get("body_style", "p") if layout == "classic" else "p"
    indent = r.get("indent", DEFAULT_INDENT[layout])
    center = set(r.get("center") or [])
    bold = set(r.get("bold") or [])
    headings = set(r.get("headings") or [])
    label_bold = set(r.get("label_bold") or [])
    spacers = list(r.get("spacers") or [])
    images = list(r.get("images") or [])
    strong = "b" if layout == "classic" else "strong"
    out: list[str] = []

    def spacer() -> str:
        return "&nbsp;<br />" if style == "br" else "<p>&nbsp;</p>"

    def image(img: dict) -> str:
        attrs = (f'src="{esc_attr(img["src"])}" alt="{esc_attr(img.get("alt", ""))}" '
                 f'width="{img.get("width", 600)}" height="{img.get("height", 400)}"')
        cap = img.get("caption", "")
        if layout == "modern":
            fig = f'<figure class="image"><img {attrs}>'
            if cap:
                fig += f"<figcaption>{esc(cap)}</figcaption>"
            return fig + "</figure>"
        capline = f"<br />\n<font color=\"#666666\">{esc(cap)}</font>" if cap else ""
        tag = "div" if style == "br" else "p"
        return f'<{tag} align="center"><img {attrs} border="0" />{capline}</{tag}>'

    def extras(idx: int) -> None:
        for img in images:
            if img.get("after") == idx:
                out.append(image(img))
        out.extend(spacer() for s in spacers if s == idx)

    if start == 0:
        extras(-1)
    for idx in range(start, end):
        text = paras[idx]
        if idx in label_bold:
            label, rest = _label_split(text)
            inner = f"<{strong}>{esc(label)}</{strong}>{esc(rest)}"
        else:
            inner = esc(text)
        if idx in bold:
            inner = f"<{strong}>{inner}</{strong}>"
        if layout == "modern" and idx in headings:
            out.append(f"<h3>{inner}</h3>")
        elif idx in center or idx in headings:
            if style == "br":
                out.append(f'<div align="center">{inner}</div>')
            else:
                out.append(f'<p style="text-align: center;">{inner}</p>')
        elif style == "br":
            out.append(f"{indent}{inner}<br />\n<br />")
        else:
            out.append(f"<p>{indent}{inner}</p>")
        extras(idx)

    if last_page:
        credits = content.get("credit_lines") or []
        align = r.get("credit_align", "")
        for i, line in enumerate(credits):
            if i and r.get("credit_spacers"):
                out.append(spacer())
            if style == "br":
                out.append(f"{esc(line)}<br />")
            elif align:
                out.append(f'<p style="text-align: {align};">{esc(line)}</p>')
            elif layout == "modern":
                out.append(f'<p class="editor">{esc(line)}</p>')
            else:
                out.append(f"<p>{esc(line)}</p>")
    if style == "br":
        return '<font size="3">\n' + "\n".join(out) + "\n</font>"
    return "\n".join(out)


# --------------------------------------------------------------------------
# article pages

def default_context() -> dict:
    """Generic chrome for an article rendered outside a site build."""
    return {
        "hot": DEFAULT_HEADLINES[:8],
        "related": DEFAULT_HEADLINES[1:9],
        "prev": None,
        "next": None,
    }


def render_article(content: dict, template: str | None = None, *, page: int = 1,
                   context: dict | None = None) -> bytes:
    """Render page ``page`` (1-based) of an article; returns encoded bytes."""
    layout = template or content.get("template", "classic")
    if layout not in LAYOUTS:
        raise ValueError(f"unknown template {layout!r}; expected one of {LAYOUTS}")
    ctx = context if context is not None else default_context()
    r = _render(content)
    ranges = _page_ranges(content)
    if not 1 <= page <= len(ranges):
        raise ValueError(f"page {page} out of range 1..{len(ranges)}")
    paths = page_paths(content) if "path" in content else [f"/gclt/{content.get('slug', 'article')}.html"]
    path = paths[page - 1]
    start, end = ranges[page - 1]
    last_page = page == len(ranges)

    title = content.get("title", "")
    source = content.get("source", "")
    display_date = content.get("display_date", "")
    published = content.get("published", "")
    encoding = content.get("encoding", "utf-8")
    sections = r.get("sections") or ["gclt"]
    section = sections[0]
    section_name = SECTION_NAMES.get(section, "高层论坛")
    meta_fmt = r.get("meta_format", DEFAULT_META_FORMAT[layout])
    meta = meta_fmt.replace("{source}", esc(source)).replace("{date}", esc(display_date))
    comments, ncomments = _comments(content, layout)
    suffix = f"_第{page}页" if page > 1 else ""
    description = esc_attr(_summary(content))
    keywords = esc_attr(r.get("keywords", "知识产权,知识产权保护,高层论坛,中国知识产权报"))
    hot = _link_items(ctx.get("hot") or [], "        ")
    related = _link_items(ctx.get("related") or [], "        ")
    body = _body(content, layout, start, end, last_page)
    pager = _pager(layout, paths, page)
    prev_next = _prev_next(layout, ctx)
    byline = r.get("byline", "")
    common = dict(
        charset_meta=_charset_meta(content, layout),
        keywords=keywords,
        description=description,
        nav=_nav(layout, section),
        breadcrumb=_breadcrumb(section),
        title=esc(title),
        meta=meta,
        body=body,
        pager=pager,
        prev_next=prev_next,
        comments=comments,
        comment_count=str(ncomments),
        hot_list=hot,
        related_list=related,
        slug=esc_attr(content.get("slug", "")),
    )
    if layout == "classic":
        byline_row = (f'        <tr>\n          <td align="center" height="30"><font size="3">{esc(byline)}</font></td>\n        </tr>'
                      if byline else "")
        text = _fill("classic.html", head_title=esc(f"{title}{suffix}_{section_name}_{SITE_NAME}"),
                     byline_row=byline_row, **common)
    else:
        canonical = BASE_URL + path
        images = r.get("images") or []
        og_image = (f'<meta property="og:image" content="{esc_attr(BASE_URL + images[0]["src"])}">'
                    if images else "")
        authors = content.get("authors") or []
        lang = content.get("language", "zh-Hans")
        ld = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": title,
            "datePublished": published,
            "dateModified": published,
            "inLanguage": HTML_LANG.get(lang, lang),
            "author": ([{"@type": "Person", "name": a} for a in authors]
                       or [{"@type": "Organization", "name": source}]),
            "publisher": {"@type": "Organization", "name": SITE_NAME,
                          "logo": {"@type": "ImageObject", "url": BASE_URL + "/images/logo.png"}},
            "mainEntityOfPage": {"@type": "WebPage", "@id": canonical},
            "articleSection": section_name,
        }
        if images:
            ld["image"] = [BASE_URL + img["src"] for img in images]
        json_ld = json.dumps(ld, ensure_ascii=(encoding.lower() not in ("utf-8", "utf8")),
                             indent=2).replace("</", "<\\/")
        pub_meta = published[:16].replace("T", " ") if published else ""
        text = _fill(
            "modern.html",
            html_lang=r.get("html_lang", HTML_LANG.get(lang, "zh-CN")),
            head_title=esc(f"{title}{suffix} - {section_name} - {SITE_NAME}"),
            meta_author=esc_attr(" ".join(authors) or source),
            publish_day=esc_attr(published[:10]),
            pubdate_meta=esc_attr(pub_meta),
            source=esc_attr(source),
            canonical=esc_attr(canonical),
            og_image=og_image,
            published=esc_attr(published),
            section_name=section_name,
            json_ld=json_ld,
            **_chrome(section, ctx.get("hot") or [], ctx.get("related") or []),
            byline=(f'      <p class="byline">{esc(byline)}</p>' if byline else ""),
            views=str(1000 + _crc(content.get("slug", "")) % 9000),
            **common,
        )
    return text.encode(encoding, errors="xmlcharrefreplace")


def render_pages(content: dict, template: str | None = None, *, context: dict | None = None) -> list[bytes]:
    return [render_article(content, template, page=n, context=context)
            for n in range(1, len(_page_ranges(content)) + 1)]


# --------------------------------------------------------------------------
# site build

def _sort_key_newest(c: dict):
    return (-_published(c).timestamp(), c["slug"])


def _in_section(c: dict, sid: str) -> bool:
    return sid in (_render(c).get("sections") or ["gclt"])


def _contexts(contents: list[dict]) -> dict[str, dict]:
    listed = [c for c in contents if _in_section(c, "gclt")]
    chrono = sorted(listed, key=lambda c: (_published(c), c["slug"]))
    popularity = sorted(listed, key=lambda c: (_crc("hot:" + c["slug"]), c["slug"]))
    ctxs = {}
    for c in contents:
        key = (_published(c), c["slug"])
        others = [o for o in chrono if o["slug"] != c["slug"]]
        older = [o for o in others if (_published(o), o["slug"]) < key]
        newer = [o for o in others if (_published(o), o["slug"]) > key]
        when = _published(c)
        related = sorted(others, key=lambda o: (abs((_published(o) - when).total_seconds()), o["slug"]))[:8]
        hot = [o for o in popularity if o["slug"] != c["slug"]][:8]
        ctxs[c["slug"]] = {
            "prev": (older[-1]["title"], older[-1]["path"]) if older else None,
            "next": (newer[0]["title"], newer[0]["path"]) if newer else None,
            "hot": [(o["title"], o["path"]) for o in hot],
            "related": [(o["title"], o["path"]) for o in related],
        }
    return ctxs


def _list_item(c: dict, href: str, extra: str = "") -> str:
    day = c["published"][:10]
    return (f'      <li><a href="{esc_attr(href)}">{esc(c["title"])}</a>{extra}<span class="date">{day}</span>'
            f'<p class="summary">{esc(_summary(c))}</p></li>')


def _listing_pager(n: int, total: int) -> str:
    name = lambda k: "index.html" if k == 1 else f"index_{k}.html"  # noqa: E731
    parts = []
    parts.append(f'<a href="{name(1)}">首页</a>' if n > 1 else '<span class="disabled">首页</span>')
    parts.append(f'<a href="{name(n - 1)}">上一页</a>' if n > 1 else '<span class="disabled">上一页</span>')
    for k in range(1, total + 1):
        parts.append(f'<span class="current">{k}</span>' if k == n else f'<a href="{name(k)}">{k}</a>')
    parts.append(f'<a href="{name(n + 1)}">下一页</a>' if n < total else '<span class="disabled">下一页</span>')
    parts.append(f'<a href="{name(total)}">尾页</a>' if n < total else '<span class="disabled">尾页</span>')
    return '    <div class="pager">' + " ".join(parts) + f' <span class="total">共{total}页</span></div>'


def _chrome(active: str, hot: list, related: list) -> dict:
    return dict(
        head_common=_fill("_modern_head.html").rstrip("\n"),
        header=_fill("_modern_header.html", nav=_nav("modern", active)).rstrip("\n"),
        sidebar=_fill("_modern_sidebar.html", hot_list=_link_items(hot, "        "),
                      related_list=_link_items(related, "        ")).rstrip("\n"),
        footer=_fill("_modern_footer.html").rstrip("\n"),
    )


def _site_pages(contents: list[dict]) -> dict[str, bytes]:
    """Listing, section, home and static pages: {site path: bytes}."""
    pages: dict[str, bytes] = {}
    newest = sorted(contents, key=_sort_key_newest)
    listed = [c for c in newest if _in_section(c, "gclt")]
    popularity = sorted(listed, key=lambda c: (_crc("hot:" + c["slug"]), c["slug"]))
    hot = [(c["title"], c["path"]) for c in popularity[:8]]
    latest = [(c["title"], c["path"]) for c in listed[:8]]

    # 高层论坛 listing, paginated
    chunks = [listed[i:i + LISTING_PAGE_SIZE] for i in range(0, len(listed), LISTING_PAGE_SIZE)] or [[]]
    for n, chunk in enumerate(chunks, start=1):
        here = "/gclt/index.html" if n == 1 else f"/gclt/index_{n}.html"
        items = []
        for i, c in enumerate(chunk):
            href, extra = c["path"], ""
            if n == 2:  # relative hrefs on page 2
                href = _relhref(here, c["path"])
                if i == 0:
                    href += TRACKING_QUERY
            if c.get("kind") == "dialogue" and c["slug"] == "dialogue":
                extra = f' <a class="comment-link" href="{esc_attr(c["path"] + "#comments")}">[评论]</a>'
            items.append(_list_item(c, href, extra))
        extra_html = ""
        if n == 1:
            extra_html = ('    <div class="box friend-links"><h3>合作媒体</h3>'
                          f'<a href="{EXTERNAL_LINK}" target="_blank">合作媒体：观察知识产权保护高层论坛的几个视角</a></div>')
        text = _fill(
            "listing.html",
            head_title=esc(f"高层论坛{'' if n == 1 else f'_第{n}页'}_{SITE_NAME}"),
            section_name="高层论坛",
            description="中国知识产权资讯网高层论坛栏目，汇集知识产权保护高层论坛主旨演讲、圆桌对话和嘉宾访谈。",
            canonical=BASE_URL + here,
            breadcrumb=_breadcrumb("gclt", last=""),
            items="\n".join(items),
            pager=_listing_pager(n, len(chunks)),
            extra=extra_html,
            **_chrome("gclt", hot, latest),
        )
        pages[here] = text.encode("utf-8")

    # other sections: one page each
    for sid, name, href in SECTIONS:
        if sid in ("home", "gclt"):
            continue
        members = [c for c in newest if _in_section(c, sid)]
        items = [_list_item(c, c["path"]) for c in members] or ['      <li class="empty">本栏目暂无内容</li>']
        text = _fill(
            "listing.html",
            head_title=esc(f"{name}_{SITE_NAME}"),
            section_name=name,
            description=f"中国知识产权资讯网{name}栏目。",
            canonical=BASE_URL + href,
            breadcrumb=_breadcrumb(sid, last=""),
            items="\n".join(items),
            pager="",
            extra="",
            **_chrome(sid, hot, latest),
        )
        pages[href] = text.encode("utf-8")

    # home
    lead = listed[0] if listed else newest[0]
    blocks = []
    for sid, limit in (("gclt", 6), ("xw", 4), ("ft", 4)):
        members = [c for c in newest if _in_section(c, sid) and c is not lead][:limit]
        lis = []
        for i, c in enumerate(members):
            href = c["path"] + (TRACKING_QUERY if sid == "gclt" and i < 2 else "")
            lis.append(f'        <li><a href="{esc_attr(href)}">{esc(c["title"])}</a>'
                       f'<span class="date">{c["published"][5:10]}</span></li>')
        blocks.append(f'    <section class="box column-{sid}">\n'
                      f'      <h3><a href="{SECTION_HREFS[sid]}">{SECTION_NAMES[sid]}</a>'
                      f'<a class="more" href="{SECTION_HREFS[sid]}">更多&gt;&gt;</a></h3>\n'
                      f'      <ul class="list">\n' + "\n".join(lis) + "\n      </ul>\n    </section>")
    text = _fill(
        "home.html",
        canonical=BASE_URL + "/index.html",
        lead_href=esc_attr(lead["path"]),
        lead_title=esc(lead["title"]),
        lead_summary=esc(_summary(lead, 120)),
        blocks="\n".join(blocks),
        **_chrome("home", hot, latest),
    )
    pages["/index.html"] = text.encode("utf-8")

    # static pages
    for path, (title, paras) in STATIC_PAGES.items():
        text = _fill(
            "page.html",
            head_title=esc(f"{title}_{SITE_NAME}"),
            canonical=BASE_URL + path,
            breadcrumb=_breadcrumb("home", last=title),
            title=esc(title),
            body="\n".join(f"    <p>{esc(p)}</p>" for p in paras),
            **_chrome("home", hot, latest),
        )
        pages[path] = text.encode("utf-8")
    return pages


def build_pages(contents: list[dict] | None = None) -> dict[str, bytes]:
    """Everything the site consists of, as {site path: bytes} (nothing written)."""
    contents = load_content() if contents is None else contents
    ctxs = _contexts(contents)
    pages: dict[str, bytes] = {}
    for c in contents:
        for path, data in zip(page_paths(c), render_pages(c, context=ctxs[c["slug"]])):
            if path in pages:
                raise ValueError(f"duplicate site path {path}")
            pages[path] = data
        for img in _render(c).get("images") or []:
            pages.setdefault(img["src"], _png(60, 40, (0x9A, 0xA8, 0xBC)))
    for path, data in _site_pages(contents).items():
        if path in pages:
            raise ValueError(f"duplicate site path {path}")
        pages[path] = data
    pages["/images/logo.png"] = _png(120, 30, (0x1F, 0x3F, 0x7A))
    return dict(sorted(pages.items()))


def build_site(out_dir: pathlib.Path) -> list[pathlib.Path]:
    """Render the whole site into ``out_dir``; return written files (sorted).

    When ``out_dir`` is the package's own ``site/`` directory, stale ``.html``
    and ``.png`` files left from earlier builds are removed.
    """
    out_dir = pathlib.Path(out_dir)
    pages = build_pages()
    written = []
    for path, data in pages.items():
        target = site_file(path, out_dir)
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists() or target.read_bytes() != data:
            target.write_bytes(data)
        written.append(target)
    if out_dir.resolve() == SITE_DIR.resolve():
        keep = {p.resolve() for p in written}
        for old in sorted(out_dir.rglob("*")):
            if old.is_file() and old.suffix in (".html", ".png") and old.resolve() not in keep:
                old.unlink()
        for d in sorted((p for p in out_dir.rglob("*") if p.is_dir()), reverse=True):
            if not any(d.iterdir()):
                d.rmdir()
    return sorted(written)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m devkit.sample_site.build", description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=pathlib.Path, default=SITE_DIR, help=f"output directory (default: {SITE_DIR})")
    args = ap.parse_args(argv)
    files = build_site(args.out)
    print(f"wrote {len(files)} files to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
