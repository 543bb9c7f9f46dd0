"""Loading: archived pages → articles (transform) → table rows (rows, terms) → staged (stage) →
validated and quarantined (validate, quarantine) → published (publish)."""
