"""Full-text search over articles, answered story by story."""
