"""API router: content."""

from ninja import Router

router = Router()
