"""Moderation (F-MODERATION): reports, the moderators' queue, hide and restore."""
