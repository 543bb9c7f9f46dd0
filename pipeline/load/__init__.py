"""Loading: archived pages → articles → table rows, validation, publishing."""
