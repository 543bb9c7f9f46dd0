# forum-etl on the official Airflow image: the same pinned dependencies as `make test`.
FROM apache/airflow:3.3.2-python3.11

USER airflow
WORKDIR /opt/forum-etl
COPY --chown=airflow:root pyproject.toml README.md constraints.txt ./
COPY --chown=airflow:root pipeline ./pipeline
COPY --chown=airflow:root expectations ./expectations
COPY --chown=airflow:root examples ./examples
COPY --chown=airflow:root dags ./dags
# Editable, so that the pipeline/ mounted by docker-compose for development is what runs.
RUN pip install --no-cache-dir -c constraints.txt -e . "apache-airflow==3.3.2"
WORKDIR /opt/airflow
