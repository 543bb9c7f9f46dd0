"""The extractors forum-etl is measured against, each as a function of page bytes; imported
only when a benchmark runs them (trafilatura, readability-lxml and resiliparse are benchmark-only)."""

from __future__ import annotations

from collections.abc import Callable


def bare_parse() -> Callable[[bytes], object]:
    import lxml.html

    def run(raw: bytes) -> object:
        try:
            return lxml.html.document_fromstring(raw)
        except Exception:  # lxml refuses a few pages; the parse cost was still paid
            return None

    return run


def trafilatura(fast: bool = False) -> Callable[[bytes], object]:
    import trafilatura as module

    return lambda raw: module.extract(raw, fast=fast)


def readability() -> Callable[[bytes], object]:
    from readability import Document

    def run(raw: bytes) -> object:
        try:
            return Document(raw).summary()
        except Exception:  # a competitor's failure on a page scores as empty output
            return None

    return run


def resiliparse() -> Callable[[bytes], object]:
    """resiliparse's main-content plain text, the bytes decoded as its documentation shows: its
    own encoding detection, then its parser (Lexbor) decoding with that encoding."""
    from resiliparse.extract.html2text import extract_plain_text
    from resiliparse.parse.encoding import detect_encoding
    from resiliparse.parse.html import HTMLTree

    def run(raw: bytes) -> object:
        return extract_plain_text(HTMLTree.parse_from_bytes(raw, detect_encoding(raw)), main_content=True)

    return run


def output_text(output: object, with_title: bool = False) -> str:
    """The body text a tool's output holds, for scoring; with the headline first for a forum-etl
    `Article` when `with_title` (daniel-dev's reference text starts with the headline; the other
    tools' text holds it where they keep it)."""
    if output is None:
        return ""
    if hasattr(output, "body_text"):
        return f"{output.title}\n{output.body_text}" if with_title else output.body_text
    if isinstance(output, str) and output.lstrip().startswith("<"):
        import lxml.html

        return lxml.html.fromstring(output).text_content()
    return output if isinstance(output, str) else ""
