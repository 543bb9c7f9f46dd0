"""The compose init job's first step: refuse to start a deployment whose secrets are missing,
malformed or the published examples, before anything is written with them (a Fernet key
encrypts Connections and Variables for good; a known JWT secret lets anyone sign task tokens; a
known admin password opens the Airflow UI).

Reads the .env variables the init job is given; exits 1 naming every weak one, 0 otherwise.
Standard library only: it runs before anything else is known to work.
Run outside a container: `env $(cat .env | xargs) python deploy/check_secrets.py`.
"""

from __future__ import annotations

import base64
import binascii
import os
import sys
from collections.abc import Mapping

MIN_PASSWORD_LENGTH = 12
MIN_JWT_SECRET_LENGTH = 32

# The values of .env.example and the images' own documented defaults: public, so never secret.
KNOWN_VALUES = {"airflow", "admin", "password", "minioadmin", "forum-etl", "forum-etl-local-only",
                "change-me-local-development-only", "changeme", "change-me", "secret"}


def _fernet_problem(key: str) -> str | None:
    if not key:
        return "is empty: generate one (see .env.example)"
    try:
        raw = base64.urlsafe_b64decode(key.encode("ascii"))
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raw = b""
    return None if len(raw) == 32 else "is not a Fernet key (32 url-safe base64-encoded bytes)"


def _secret_problem(value: str, minimum: int) -> str | None:
    if value.strip().lower() in KNOWN_VALUES or value.lower().startswith("change-me"):
        return "is an example value"
    if len(value) < minimum:
        return f"is shorter than {minimum} characters"
    return None


def problems(environment: Mapping[str, str]) -> list[str]:
    """One line per weak secret, naming its variable; none when all are fit for use."""
    found = {"AIRFLOW_FERNET_KEY": _fernet_problem(environment.get("AIRFLOW_FERNET_KEY", "").strip()),
             "AIRFLOW_JWT_SECRET": _secret_problem(environment.get("AIRFLOW_JWT_SECRET", ""), MIN_JWT_SECRET_LENGTH)}
    for name in ("POSTGRES_PASSWORD", "MINIO_ROOT_PASSWORD", "AIRFLOW_ADMIN_PASSWORD"):
        found[name] = _secret_problem(environment.get(name, ""), MIN_PASSWORD_LENGTH)
    return [f"{name} {problem}" for name, problem in found.items() if problem]


def main() -> int:
    weak = problems(os.environ)
    for line in weak:
        print(f"refusing to start: {line}", file=sys.stderr)
    return 1 if weak else 0


if __name__ == "__main__":
    sys.exit(main())
