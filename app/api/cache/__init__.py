"""A session's tell records: read and clear."""
