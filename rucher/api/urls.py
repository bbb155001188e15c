"""The v1 API object mounted at /api/v1/."""

from ninja import NinjaAPI

api = NinjaAPI(title="Rucher API", version="1", urls_namespace="api-v1")
