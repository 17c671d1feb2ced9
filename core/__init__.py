"""Cross-cutting plumbing that belongs to no feature app (middleware)."""
