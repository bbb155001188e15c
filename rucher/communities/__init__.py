"""Communities, memberships and roles: the source of truth for access to community content."""
