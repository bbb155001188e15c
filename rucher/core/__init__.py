"""Shared base: markdown, pagination, audit log, jobs, text validation."""
