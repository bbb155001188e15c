"""API: leaderboard (API.md). Filled in by its feature work."""

from ninja import Router

router = Router(tags=["leaderboard"])
