"""The warehouse: storage (local or S3), every table's schema, the raw archive, the commit log
of the published tables. The only code that knows paths and formats."""
