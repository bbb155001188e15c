"""API router: moderation."""

from ninja import Router

router = Router()
