"""Builds the compiled modules of the extraction hot path (`pipeline.extract._lines` against
lxml's C API, `pipeline.extract._transcode`); all other metadata lives in pyproject.toml."""

import lxml
from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension("pipeline.extract._lines", ["pipeline/extract/_lines.pyx"], include_dirs=lxml.get_include()),
        Extension("pipeline.extract._transcode", ["pipeline/extract/_transcode.pyx"]),
    ],
)
