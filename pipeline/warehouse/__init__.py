"""The warehouse: storage (local or S3, atomic writes), where every file goes (layout), every
table's schema (schemas), the published tables' format and readers (tables), the raw archive,
the commit log of the published tables (manifest). The only code that knows paths and formats."""
