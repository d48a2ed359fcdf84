"""One settings object, read from the environment in one place.

Nothing else in edgeplane reads ``os.environ``: every module asks :func:`settings`.
Tests and the local runner change the environment, then call :func:`reload`.

Secrets (the JWT key, the first administrator's password) come either literally from the environment (local and
test stages) or, in AWS, as a *reference* (``EDGEPLANE_JWT_SECRET_ID``: a Secrets Manager ARN or ``ssm:<name>``)
resolved at run time by :mod:`chalicelib.core.secretref`, so no value is in a template or a function's
configuration. Secret values are kept out of ``repr(settings())``.
"""
from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

LOCAL_STAGES = {"local", "test"}
_GENERATED_SECRET = secrets.token_urlsafe(48)


def _int(env, name: str, default: int) -> int:
    raw = env.get(name)
    return int(raw) if raw not in (None, "") else default


def _bool(env, name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw in (None, ""):
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    stage: str = "local"
    region: str = "us-east-1"
    endpoint_url: str | None = None
    table_name: str = "edgeplane-main"
    bucket: str = "edgeplane-files"
    jobs_queue: str = "edgeplane-jobs"
    steps_queue: str = "edgeplane-steps"
    uploads_queue: str = "edgeplane-uploads"
    workflow_arn: str = ""
    jwt_secret_value: str = field(default="", repr=False)
    jwt_secret_id: str = ""
    data_key_value: str = field(default="", repr=False)
    data_key_id: str = ""
    jwt_issuer: str = "edgeplane"
    token_ttl_seconds: int = 3600
    refresh_window_seconds: int = 18000
    admin_user: str = "admin"
    admin_password_value: str | None = field(default=None, repr=False)
    admin_password_id: str = ""
    max_upload_bytes: int = 5 * 1024 * 1024
    max_body_bytes: int = 10 * 1024 * 1024
    archive_max_entries: int = 2000
    archive_max_unpacked_bytes: int = 200 * 1024 * 1024
    presign_ttl_seconds: int = 900
    step_timeout_seconds: int = 300
    poll_interval_seconds: int = 0
    poll_max_rounds: int = 20
    inventory_file: str = ""
    otestack_auto_deploy_admin: bool = True
    otestack_registry_domain: str = "registry.edgeplane.local"
    surfaces: tuple[str, ...] = ()
    mx_regions: tuple = ("local",)
    mx_skip_verify_email: bool = False
    mx_stream_wait_seconds: int = 25
    msap_catalog: str = ""
    sc_schema_editable: bool = False
    sc_instance_ttl: int = 0
    log_level: str = "INFO"
    extra: dict = field(default_factory=dict)

    @property
    def jwt_secret(self) -> str:
        """The HMAC key of edgeplane's JWTs (and the sealing key's fallback material)."""
        if self.jwt_secret_value:
            return self.jwt_secret_value
        from chalicelib.core import secretref
        return secretref.resolve(self.jwt_secret_id)

    @property
    def data_key(self) -> str:
        """Key material for data at rest (sealed secrets, API-key digests, OAuth state): its own secret in AWS,
        so that rotating the JWT key invalidates tokens only. Locally it falls back to the JWT key."""
        if self.data_key_value:
            return self.data_key_value
        if self.data_key_id:
            from chalicelib.core import secretref
            return secretref.resolve(self.data_key_id)
        return self.extra.get("data_key") or self.jwt_secret

    @property
    def admin_password(self) -> str | None:
        """The first administrator's password, when the operator chose one (else one is generated once)."""
        if self.admin_password_value:
            return self.admin_password_value
        if self.admin_password_id:
            from chalicelib.core import secretref
            return secretref.resolve(self.admin_password_id)
        return None

    @property
    def is_local(self) -> bool:
        return self.stage in LOCAL_STAGES

    def state_machine_arn(self, name: str = "workflow") -> str:
        if self.workflow_arn:
            return self.workflow_arn
        return f"arn:aws:states:{self.region}:123456789012:stateMachine:edgeplane-{name}"


def _from_env(env) -> Settings:
    stage = env.get("EDGEPLANE_STAGE", "local")
    secret = env.get("EDGEPLANE_JWT_SECRET", "")
    secret_id = env.get("EDGEPLANE_JWT_SECRET_ID", "")
    if not secret and not secret_id:
        if stage not in LOCAL_STAGES:
            raise RuntimeError("outside local/test stages set EDGEPLANE_JWT_SECRET_ID (a Secrets Manager ARN or "
                               "ssm:<parameter>) or EDGEPLANE_JWT_SECRET")
        secret = _GENERATED_SECRET
    default_inventory = str(Path(__file__).resolve().parent.parent / "targets" / "inventory.json")
    surfaces = tuple(s for s in env.get("EDGEPLANE_SURFACES", "").replace(" ", "").split(",") if s)
    return Settings(
        stage=stage,
        region=env.get("AWS_DEFAULT_REGION") or env.get("AWS_REGION") or "us-east-1",
        endpoint_url=env.get("AWS_ENDPOINT_URL") or None,
        table_name=env.get("EDGEPLANE_TABLE", "edgeplane-main"),
        bucket=env.get("EDGEPLANE_BUCKET", "edgeplane-files"),
        jobs_queue=env.get("EDGEPLANE_JOBS_QUEUE", "edgeplane-jobs"),
        steps_queue=env.get("EDGEPLANE_STEPS_QUEUE", "edgeplane-steps"),
        uploads_queue=env.get("EDGEPLANE_UPLOADS_QUEUE", "edgeplane-uploads"),
        workflow_arn=env.get("EDGEPLANE_WORKFLOW_ARN", ""),
        jwt_secret_value=secret,
        jwt_secret_id="" if secret else secret_id,
        data_key_value=env.get("EDGEPLANE_DATA_KEY", ""),
        data_key_id=env.get("EDGEPLANE_DATA_KEY_ID", ""),
        token_ttl_seconds=_int(env, "EDGEPLANE_TOKEN_TTL", 3600),
        refresh_window_seconds=_int(env, "EDGEPLANE_REFRESH_WINDOW", 18000),
        admin_user=env.get("EDGEPLANE_ADMIN_USER", "admin"),
        admin_password_value=env.get("EDGEPLANE_ADMIN_PASSWORD") or None,
        admin_password_id=env.get("EDGEPLANE_ADMIN_PASSWORD_ID", ""),
        max_upload_bytes=_int(env, "EDGEPLANE_MAX_UPLOAD_BYTES", 5 * 1024 * 1024),
        max_body_bytes=_int(env, "EDGEPLANE_MAX_BODY_BYTES", 10 * 1024 * 1024),
        archive_max_entries=_int(env, "EDGEPLANE_ARCHIVE_MAX_ENTRIES", 2000),
        archive_max_unpacked_bytes=_int(env, "EDGEPLANE_ARCHIVE_MAX_UNPACKED", 200 * 1024 * 1024),
        step_timeout_seconds=_int(env, "EDGEPLANE_STEP_TIMEOUT", 300),
        poll_interval_seconds=_int(env, "EDGEPLANE_POLL_INTERVAL", 0 if stage in LOCAL_STAGES else 30),
        poll_max_rounds=_int(env, "EDGEPLANE_POLL_MAX_ROUNDS", 20 if stage in LOCAL_STAGES else 8640),
        inventory_file=env.get("EDGEPLANE_INVENTORY", default_inventory),
        otestack_auto_deploy_admin=_bool(env, "EDGEPLANE_OTESTACK_ADMIN_AUTO_DEPLOY", True),
        otestack_registry_domain=env.get("EDGEPLANE_REGISTRY_DOMAIN", "registry.edgeplane.local"),
        surfaces=surfaces,
        mx_regions=tuple(r for r in env.get("EDGEPLANE_MX_REGIONS", "local").replace(" ", "").split(",") if r),
        mx_skip_verify_email=_bool(env, "EDGEPLANE_MX_SKIP_VERIFY_EMAIL", stage in LOCAL_STAGES),
        mx_stream_wait_seconds=_int(env, "EDGEPLANE_MX_STREAM_WAIT", 25),
        msap_catalog=env.get("EDGEPLANE_MSAP_CATALOG", ""),
        # ServiceComb's own switches, under upstream's names where it has them
        sc_schema_editable=_bool(env, "SCHEMA_EDITABLE", False),
        sc_instance_ttl=max(_int(env, "EDGEPLANE_SC_INSTANCE_TTL", 0), 0),
        log_level=env.get("EDGEPLANE_LOG_LEVEL", "INFO"),
        extra=json.loads(env.get("EDGEPLANE_EXTRA", "{}") or "{}"),
    )


@lru_cache(maxsize=1)
def settings() -> Settings:
    return _from_env(os.environ)


def reload() -> Settings:
    settings.cache_clear()
    return settings()


def environ_set(**values: str) -> None:
    """The one sanctioned writer of the environment (local runner, tests)."""
    for k, v in values.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v
    reload()
