"""The statistics, patterns, warning signs and charts: pure functions over plain data."""
