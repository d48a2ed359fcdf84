"""Published contracts: one OpenAPI 3.1 document per API, generated from the registered routes and the models.

``generate.documents(app)`` builds them from what the Chalice app really registers; ``routes.bp`` serves them at
``GET /edgeplane/openapi/{api}`` in every package; ``python -m chalicelib.openapi <dir>`` (``make openapi``)
writes them to files. Nothing in a document is written by hand: see :mod:`chalicelib.openapi.generate`.
"""
from chalicelib.openapi.declare import consumes, produces, reads

__all__ = ["consumes", "produces", "reads"]
