"""Builds the compiled modules of the extraction hot path (`pipeline.text.extract._lines` against
lxml's C API, `pipeline.text.extract._transcode`); all other metadata lives in pyproject.toml."""

import lxml
from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension("pipeline.text.extract._lines", ["pipeline/text/extract/_lines.pyx"], include_dirs=lxml.get_include()),
        Extension("pipeline.text.extract._transcode", ["pipeline/text/extract/_transcode.pyx"]),
    ],
)
