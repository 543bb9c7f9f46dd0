"""Builds the one compiled module, `pipeline.extract._lines`, against lxml's C API; all other
metadata lives in pyproject.toml."""

import lxml
from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension("pipeline.extract._lines", ["pipeline/extract/_lines.pyx"], include_dirs=lxml.get_include()),
    ],
)
