"""Secrets by reference (chalicelib.core.secretref): the JWT key and the first administrator's password read at
run time from Secrets Manager or SSM Parameter Store, cached, never in the settings' repr; a non-local stage
without a key refuses to start; an unreadable key is a clean 503, never a fallback."""
from __future__ import annotations

import json

import boto3
import jwt
import pytest

from chalicelib.core import config, secretref
from chalicelib.core.errors import Unavailable

KEY = "rt-" + "s" * 61


@pytest.fixture
def by_reference(aws_env, monkeypatch):
    """The deployed shape: a non-local stage, the key only as a reference; restored afterwards."""
    secretref.forget()
    monkeypatch.delenv("EDGEPLANE_JWT_SECRET", raising=False)
    monkeypatch.delenv("EDGEPLANE_ADMIN_PASSWORD", raising=False)
    monkeypatch.setenv("EDGEPLANE_STAGE", "dev")

    def use(**env):
        for k, v in env.items():
            monkeypatch.setenv(k, v)
        secretref.forget()
        return config.reload()
    yield use
    monkeypatch.undo()
    secretref.forget()
    config.reload()


def test_secrets_manager_reference_signs_and_verifies(by_reference):
    arn = boto3.client("secretsmanager").create_secret(Name="edgeplane/dev/jwt", SecretString=KEY)["ARN"]
    s = by_reference(EDGEPLANE_JWT_SECRET_ID=arn)
    assert s.jwt_secret == KEY and KEY not in repr(s) and arn in repr(s)
    from chalicelib.identity import tokens
    token, _ = tokens.issue("alice", "edgeplane")
    assert jwt.decode(token, KEY, algorithms=["HS256"], audience="edgeplane")["sub"] == "alice"
    assert tokens.decode(token, ["edgeplane"])["sub"] == "alice"


def test_a_login_through_the_api_uses_the_key_from_the_reference(by_reference, client):
    arn = boto3.client("secretsmanager").create_secret(Name="k", SecretString=KEY)["ARN"]
    by_reference(EDGEPLANE_JWT_SECRET_ID=arn)
    r = client.http.post("/edgeplane/v1/login", headers={"content-type": "application/json"},
                         body=json.dumps({"username": "admin", "password": "Adm1nPassw0rd"}))
    assert r.status_code == 200, r.body
    token = json.loads(r.body)["token"]
    assert jwt.decode(token, KEY, algorithms=["HS256"], options={"verify_aud": False})["sub"] == "admin"
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(token, "test-secret-" + "x" * 40, algorithms=["HS256"], options={"verify_aud": False})


def test_ssm_secure_string_and_json_key_references(by_reference):
    boto3.client("ssm").put_parameter(Name="/edgeplane/dev/jwt", Value=KEY, Type="SecureString")
    assert by_reference(EDGEPLANE_JWT_SECRET_ID="ssm:/edgeplane/dev/jwt").jwt_secret == KEY
    boto3.client("secretsmanager").create_secret(Name="bundle", SecretString=json.dumps({"jwt": KEY, "pw": "P4ss-w0rd!"}))
    s = by_reference(EDGEPLANE_JWT_SECRET_ID="bundle#jwt", EDGEPLANE_ADMIN_PASSWORD_ID="bundle#pw")
    assert s.jwt_secret == KEY and s.admin_password == "P4ss-w0rd!" and "P4ss-w0rd!" not in repr(s)


def test_values_are_cached_then_refetched_after_forget(by_reference):
    sm = boto3.client("secretsmanager")
    sm.create_secret(Name="rot", SecretString=KEY)
    s = by_reference(EDGEPLANE_JWT_SECRET_ID="rot")
    assert s.jwt_secret == KEY
    sm.put_secret_value(SecretId="rot", SecretString=KEY + "2")
    assert s.jwt_secret == KEY  # a warm function makes no call per request
    secretref.forget()
    assert s.jwt_secret == KEY + "2"  # the rotated value once the cache lapses


def test_an_unreadable_key_is_a_clean_503_that_names_no_value(by_reference, client):
    s = by_reference(EDGEPLANE_JWT_SECRET_ID="arn:aws:secretsmanager:us-east-1:123456789012:secret:gone")
    with pytest.raises(Unavailable, match="not readable"):
        s.jwt_secret
    r = client.http.post("/edgeplane/v1/login", headers={"content-type": "application/json"},
                         body=json.dumps({"username": "admin", "password": "Adm1nPassw0rd"}))
    assert r.status_code == 503 and "Traceback" not in r.body.decode()


def test_a_non_local_stage_without_a_key_does_not_start(monkeypatch):
    env = {"EDGEPLANE_STAGE": "prod"}
    with pytest.raises(RuntimeError, match="EDGEPLANE_JWT_SECRET_ID"):
        config._from_env(env)
    assert config._from_env({**env, "EDGEPLANE_JWT_SECRET_ID": "ssm:/k"}).jwt_secret_id == "ssm:/k"
    literal = config._from_env({**env, "EDGEPLANE_JWT_SECRET": KEY, "EDGEPLANE_JWT_SECRET_ID": "ssm:/k"})
    assert literal.jwt_secret == KEY and literal.jwt_secret_id == ""


def test_the_data_key_is_its_own_secret_so_rotating_the_jwt_key_keeps_sealed_data(by_reference):
    from chalicelib.identity import sealing
    sm = boto3.client("secretsmanager")
    sm.create_secret(Name="jwt", SecretString=KEY)
    sm.create_secret(Name="data", SecretString="d" * 64)
    s = by_reference(EDGEPLANE_JWT_SECRET_ID="jwt", EDGEPLANE_DATA_KEY_ID="data")
    assert s.data_key == "d" * 64 and "d" * 64 not in repr(s)
    sealed = sealing.seal("registry-password", "ctx")
    sm.put_secret_value(SecretId="jwt", SecretString=KEY + "-rotated")
    secretref.forget()
    assert s.jwt_secret == KEY + "-rotated"
    assert sealing.unseal(sealed, "ctx") == "registry-password"
    # locally (no data key configured) the JWT key is the material, as before
    assert config._from_env({"EDGEPLANE_JWT_SECRET": KEY}).data_key == KEY
