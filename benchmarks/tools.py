"""The extractors forum-etl is measured against, each as a function of page bytes; imported
only when a benchmark runs them (trafilatura and readability-lxml are benchmark-only)."""

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


def output_text(output: object) -> str:
    """The body text a tool's output holds, for scoring."""
    if output is None:
        return ""
    if hasattr(output, "body_text"):
        return output.body_text
    if isinstance(output, str) and output.lstrip().startswith("<"):
        import lxml.html

        return lxml.html.fromstring(output).text_content()
    return output if isinstance(output, str) else ""
