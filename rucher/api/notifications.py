"""API router: notifications."""

from ninja import Router

router = Router()
