# forum-etl on the official Airflow image: the same pinned dependencies as `make test`.
FROM apache/airflow:3.3.2-python3.11

USER root
# A C compiler for the one compiled module, pipeline/text/extract/_lines.pyx (built by the install).
RUN apt-get update \
    && apt-get install -y --no-install-recommends gcc libc6-dev \
    && rm -rf /var/lib/apt/lists/*
USER airflow
WORKDIR /opt/forum-etl
COPY --chown=airflow:root pyproject.toml setup.py README.md constraints.txt ./
COPY --chown=airflow:root pipeline ./pipeline
COPY --chown=airflow:root examples ./examples
COPY --chown=airflow:root dags ./dags
COPY --chown=airflow:root deploy ./deploy
# Editable: the compiled module lands beside its source in /opt/forum-etl/pipeline. The
# library is part of the image (rebuild it after changing pipeline/); DAGs are mounted. The
# `airflow` extra brings the Celery and Postgres providers and drivers, the FAB auth manager and
# graphviz at constraints.txt's versions, the ones `make test-celery` runs outside containers.
RUN pip install --no-cache-dir -c constraints.txt -e ".[airflow]"
WORKDIR /opt/airflow
