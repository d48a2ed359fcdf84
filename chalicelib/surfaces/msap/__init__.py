"""MSAP microservice application platform API (seed 004, catalog msap.md): 94 RPC-style endpoints under /v1."""
