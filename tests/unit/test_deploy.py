"""`make deploy` (infra/deploy.py): what can be proved without an AWS account.

moto's CloudFormation has no SAM transform (nor Secrets Manager or alarms resources), so the real templates are
proved by cfn-lint in test_package; here: the plan over the real packages (order, artifacts by content, the
``CodeUri`` rewrite), the artifact bucket, the change-set cycle on moto's CloudFormation (create, an unchanged
update skipped, an update), and the bootstrap of the first administrator into a deployed table with the
password read from Secrets Manager, in its own process, against a moto server.
"""
from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest
from argon2 import PasswordHasher

from infra import deploy
from tests.unit.test_package import STAGE, built  # noqa: F401  (the packages, built once per run)


def test_dry_run_plans_every_package_shared_stack_first(built):  # noqa: F811
    out = built["out"]
    said = []
    result = deploy.deploy(STAGE, "us-east-1", skip_package=True, dry_run=True, out=out, echo=said.append)
    order = built["summary"]["deploy_order"]
    assert order[0] == "events" and list(result["stacks"]) == order
    assert [s["stack"] for s in result["stacks"].values()] == [f"edgeplane-{STAGE}-{p}" for p in order]
    assert len(said) == len(order) and all(line.startswith("would deploy") for line in said)
    steps = deploy.plan(built["summary"], STAGE)
    # every package has the same code: one artifact, named by its content
    assert len({s.artifact_key for s in steps}) == 1
    assert steps[0].artifact_key == f"{STAGE}/code/{deploy.sha256(steps[0].artifact)}.zip"
    assert deploy.plan(built["summary"], STAGE, ["otestack"])[0].package == "otestack"


def test_code_uri_points_at_the_artifact_and_nothing_else_changes(built):  # noqa: F811
    for name, template in built["templates"].items():
        rewritten = deploy.with_code_uri(template, "art", "dev/code/x.zip")
        fns = [k for k, r in template["Resources"].items() if r["Type"] == "AWS::Serverless::Function"]
        assert fns, name
        for k in fns:
            assert template["Resources"][k]["Properties"]["CodeUri"] == "./deployment.zip"
            assert rewritten["Resources"][k]["Properties"]["CodeUri"] == {"Bucket": "art", "Key": "dev/code/x.zip"}
            rewritten["Resources"][k]["Properties"]["CodeUri"] = "./deployment.zip"
        assert rewritten == template, name


def test_refuses_packages_with_problems(built):  # noqa: F811
    bad = json.loads(json.dumps(built["summary"]))
    bad["ok"] = False
    with pytest.raises(deploy.DeployError, match="problems"):
        deploy.plan(bad, STAGE)


def test_artifact_bucket_is_private_encrypted_expiring_and_uploads_once(aws_env, tmp_path):
    s3 = boto3.client("s3")
    deploy.ensure_artifact_bucket(s3, "edgeplane-dev-artifacts", "us-east-1")
    deploy.ensure_artifact_bucket(s3, "edgeplane-dev-artifacts", "us-east-1")  # idempotent
    block = s3.get_public_access_block(Bucket="edgeplane-dev-artifacts")["PublicAccessBlockConfiguration"]
    assert all(block.values())
    rule = s3.get_bucket_encryption(Bucket="edgeplane-dev-artifacts")["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    life = s3.get_bucket_lifecycle_configuration(Bucket="edgeplane-dev-artifacts")["Rules"][0]
    assert life["Expiration"]["Days"] == deploy.ARTIFACT_DAYS

    zip_path, tpl_path = tmp_path / "deployment.zip", tmp_path / "sam.json"
    zip_path.write_bytes(b"PK code")
    tpl_path.write_text(json.dumps({"Resources": {"Fn": {"Type": "AWS::Serverless::Function",
                                                         "Properties": {"CodeUri": "./deployment.zip"}}}}))
    step = deploy.Step("otestack", "edgeplane-dev-otestack", tpl_path, zip_path, "dev/code/abc.zip",
                       "dev/templates/otestack-1.json")
    url = deploy.upload(s3, "edgeplane-dev-artifacts", step, "eu-west-1")
    assert url == "https://edgeplane-dev-artifacts.s3.eu-west-1.amazonaws.com/dev/templates/otestack-1.json"
    first = s3.head_object(Bucket="edgeplane-dev-artifacts", Key="dev/code/abc.zip")["LastModified"]
    uploads = []
    real_upload = s3.upload_file
    s3.upload_file = lambda *a, **k: uploads.append(a) or real_upload(*a, **k)
    deploy.upload(s3, "edgeplane-dev-artifacts", step, "eu-west-1")
    assert uploads == []  # the same content is not uploaded twice
    assert s3.head_object(Bucket="edgeplane-dev-artifacts", Key="dev/code/abc.zip")["LastModified"] == first
    stored = json.loads(s3.get_object(Bucket="edgeplane-dev-artifacts", Key=step.template_key)["Body"].read())
    assert stored["Resources"]["Fn"]["Properties"]["CodeUri"] == {"Bucket": "edgeplane-dev-artifacts",
                                                                  "Key": "dev/code/abc.zip"}


def test_change_set_cycle_create_unchanged_update(aws_env, tmp_path):
    s3, cfn = boto3.client("s3"), boto3.client("cloudformation")
    deploy.ensure_artifact_bucket(s3, "art", "us-east-1")
    step = deploy.Step("events", "edgeplane-dev-events", tmp_path / "t", tmp_path / "z", "k", "t.json")
    template = {"Resources": {"Jobs": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "edgeplane-dev-j"}}}}
    outcomes = []
    for change in (None, None, "edgeplane-dev-k"):
        if change:
            template["Resources"]["Steps"] = {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": change}}
        s3.put_object(Bucket="art", Key="t.json", Body=json.dumps(template))
        deploy.apply(cfn, step, deploy.template_url("art", "t.json", "us-east-1"))
        outcomes.append(step.outcome)
    assert outcomes == ["created", "unchanged", "updated"]
    assert cfn.describe_stacks(StackName="edgeplane-dev-events")["Stacks"][0]["StackStatus"] == "UPDATE_COMPLETE"
    names = {u.rsplit("/", 1)[-1] for u in boto3.client("sqs").list_queues()["QueueUrls"]}
    assert {"edgeplane-dev-j", "edgeplane-dev-k"} <= names


def test_bootstrap_writes_the_admin_with_the_secret_password_in_its_own_process():
    from moto.server import ThreadedMotoServer

    from chalicelib.store import tables
    from chalicelib.store.models import Account
    from infra.local import free_port
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        endpoint = f"http://127.0.0.1:{port}"
        kw = {"endpoint_url": endpoint, "region_name": "eu-west-1"}
        definition = tables.cloudformation()["Properties"]
        ddb = boto3.client("dynamodb", **kw)
        ddb.create_table(TableName="edgeplane-dev-main", BillingMode="PAY_PER_REQUEST",
                         AttributeDefinitions=definition["AttributeDefinitions"], KeySchema=definition["KeySchema"],
                         GlobalSecondaryIndexes=definition["GlobalSecondaryIndexes"])
        sm = boto3.client("secretsmanager", **kw)
        password = "Gener4ted-" + "p" * 14
        jwt_arn = sm.create_secret(Name="jwt", SecretString="k" * 64)["ARN"]
        admin_arn = sm.create_secret(Name="admin", SecretString=password)["ARN"]
        data_arn = sm.create_secret(Name="data", SecretString="d" * 64)["ARN"]
        outputs = {"TableName": "edgeplane-dev-main", "BucketName": "edgeplane-dev-files",
                   "JwtSecretArn": jwt_arn, "AdminPasswordArn": admin_arn, "DataKeyArn": data_arn}
        env = deploy.bootstrap_env("dev", "eu-west-1", outputs, endpoint)
        assert password not in json.dumps(env) and "k" * 64 not in json.dumps(env)
        key = {"pk": {"S": Account.key("admin")}, "sk": {"S": "A"}}
        # without a readable password secret nothing is bootstrapped (never an administrator with a made-up password)
        with pytest.raises(deploy.DeployError, match="not readable"):
            deploy.bootstrap("dev", "eu-west-1", {**outputs, "AdminPasswordArn": "missing"}, endpoint)
        assert "Item" not in ddb.get_item(TableName="edgeplane-dev-main", Key=key)
        assert deploy.bootstrap("dev", "eu-west-1", outputs, endpoint) == "admin"
        item = ddb.get_item(TableName="edgeplane-dev-main", Key=key)
        stored = item["Item"]["password_hash"]["S"]
        assert stored.startswith("$argon2id$") and PasswordHasher().verify(stored, password)
        assert item["Item"]["system_admin"]["BOOL"] is True
        # a second deploy's bootstrap changes nothing
        assert deploy.bootstrap("dev", "eu-west-1", outputs, endpoint) == "admin"
        again = ddb.get_item(TableName="edgeplane-dev-main", Key=key)
        assert again["Item"]["password_hash"]["S"] == stored
    finally:
        server.stop()
