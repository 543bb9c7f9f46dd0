from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from devkit.sample_site.server import serve


@pytest.fixture
def s3(monkeypatch):
    """A real S3 API (moto) on 127.0.0.1 with a bucket `forum`; the AWS_* settings point at it
    (library calls take the endpoint this yields, as pipeline.settings passes it down)."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                       "AWS_DEFAULT_REGION": "us-east-1", "AWS_ENDPOINT_URL": endpoint}.items():
        monkeypatch.setenv(key, value)
    import boto3

    boto3.client("s3", endpoint_url=endpoint).create_bucket(Bucket="forum")
    yield endpoint
    server.stop()


@pytest.fixture(scope="session")
def sample_site_url():
    """Base URL of the bundled sample site, served on 127.0.0.1 for the whole session."""
    with serve() as site:
        yield site.url


@pytest.fixture(scope="session")
def client_install(request):
    """Where pinned `requirements` are installed (once, into pytest's cache, as `name`) for a
    subprocess's PYTHONPATH: readers that cannot, or need not, live in the project's environment
    (a DuckDB 1.x client, Spark), so that `make test` on a clean clone gets them all the same."""
    def install(name: str, *requirements: str) -> Path:
        target = request.config.cache.mkdir(name)
        done = target / ".installed"
        if done.exists() and done.read_text() == " ".join(requirements):
            return target
        installed = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                                    "--upgrade", "--target", str(target), *requirements], capture_output=True, text=True)
        if installed.returncode != 0:
            if "No matching distribution" in installed.stderr or "connection" in installed.stderr.lower():
                pytest.skip(f"{' '.join(requirements)} cannot be installed from PyPI here: {installed.stderr.strip()[-300:]}")
            raise AssertionError(installed.stderr)
        done.write_text(" ".join(requirements))  # last, so an interrupted install is done again
        return target
    return install
