"""Every JSON success the app answers in the tests is checked against the model its endpoint declares
(``Surface.endpoint(returns=...)``, the contract's 2XX schema): a handler whose answer drifts from its published
shape fails the test that made the request, whatever that test asserts itself (the ``app`` fixture installs it;
the e2e stacks run it with ``--check-contracts``). The check itself: :mod:`chalicelib.openapi.check`."""
from chalicelib.openapi.check import install, violations  # noqa: F401
