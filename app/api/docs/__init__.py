"""The hand-written OpenAPI document and Swagger UI, served by the app itself (no CDN)."""
