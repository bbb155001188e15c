"""Content: posts of every kind, cross-posting, comments, likes, tags, files, feed, curation."""
