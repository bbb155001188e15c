"""Rucher: a self-hosted enterprise social network."""
