"""API router: curation."""

from ninja import Router

router = Router()
