"""OpenAPI security schemes the surfaces' authentication adapters accept (one definition each)."""
from __future__ import annotations


def bearer(description: str) -> dict:
    return {"type": "http", "scheme": "bearer", "bearerFormat": "JWT", "description": description}


def header_key(name: str, description: str) -> dict:
    return {"type": "apiKey", "in": "header", "name": name, "description": description}
