"""``make deploy``: the real deployment of one stage to an AWS account, from ``make package``'s templates.

    python -m infra.deploy --stage dev [--region eu-west-1] [--only events,otestack] [--skip-package]
                           [--artifacts BUCKET] [--no-bootstrap] [--dry-run]

Credentials come the usual boto3 way (``AWS_PROFILE``, environment, SSO, instance role); nothing is read from
this repository. Steps, each idempotent (a second run changes nothing that did not change):

1. ``python -m infra.package`` for the stage (unless ``--skip-package``): one SAM template per package.
2. An artifact bucket (``edgeplane-<stage>-artifacts-<account>-<region>`` unless given; encrypted, public access
   blocked, old artifacts expire) receives each package's ``deployment.zip`` under its SHA-256 and the template
   itself (CloudFormation takes bodies above 51,200 bytes only from S3). The template's ``CodeUri`` is rewritten
   to the uploaded object: what ``sam package`` / ``aws cloudformation package`` do.
3. One stack per package, the shared ``events`` stack first (it exports the table, bucket, queues, state machine
   and the secrets' ARNs that the API stacks import): a change set (``CREATE`` or ``UPDATE``; IAM and the SAM
   transform acknowledged), executed and waited for; an empty change set is skipped.
4. Bootstrap (unless ``--no-bootstrap``): the first system administrator, their IAM project and the simulated
   inventory, written into the deployed table by the same code the local stack uses. The password is the
   ``AdminPassword`` secret the shared stack generated; it is read from Secrets Manager, never printed or stored
   elsewhere: the output names the secret to read it from.

It prints each API's endpoint. ``--dry-run`` prints the plan and calls nothing but the packaging.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP = "edgeplane"
SHARED = "events"
CAPABILITIES = ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"]
ARTIFACT_DAYS = 90


class DeployError(RuntimeError):
    pass


def stack_name(stage: str, package: str) -> str:
    return f"{APP}-{stage}-{package}"


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def with_code_uri(template: dict, bucket: str, key: str) -> dict:
    """The template with every function's local ``CodeUri`` pointing at the uploaded artifact."""
    out = json.loads(json.dumps(template))
    for res in out.get("Resources", {}).values():
        if res.get("Type") == "AWS::Serverless::Function":
            uri = res.get("Properties", {}).get("CodeUri")
            if isinstance(uri, str) and not uri.startswith("s3://"):
                res["Properties"]["CodeUri"] = {"Bucket": bucket, "Key": key}
    return out


@dataclass
class Step:
    package: str
    stack: str
    template: Path
    artifact: Path
    artifact_key: str
    template_key: str
    outcome: str = ""
    outputs: dict = field(default_factory=dict)


def plan(summary: dict, stage: str, only: list[str] | None = None) -> list[Step]:
    if not summary.get("ok"):
        raise DeployError("the packages have problems: run `make package` and read its summary")
    steps = []
    for name in summary["deploy_order"]:
        if only and name not in only:
            continue
        info = summary["packages"][name]
        template = Path(info["template"])
        artifact = template.parent / "deployment.zip"
        if not artifact.exists():
            raise DeployError(f"{artifact} is missing: package again")
        digest = sha256(artifact)
        tdigest = sha256(template)
        steps.append(Step(name, stack_name(stage, name), template, artifact,
                          f"{stage}/code/{digest}.zip", f"{stage}/templates/{name}-{tdigest}.json"))
    return steps


# --------------------------------------------------------------------------- AWS calls

def _session(region: str):
    import boto3
    return boto3.session.Session(region_name=region)


def ensure_artifact_bucket(s3, name: str, region: str) -> None:
    from botocore.exceptions import ClientError
    try:
        s3.head_bucket(Bucket=name)
        return
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") not in ("404", "NoSuchBucket", "NotFound"):
            raise DeployError(f"artifact bucket {name}: {exc}") from None
    kwargs = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
    s3.create_bucket(Bucket=name, **kwargs)
    s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
    s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={
        "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
    s3.put_bucket_lifecycle_configuration(Bucket=name, LifecycleConfiguration={"Rules": [{
        "ID": "expire-old-artifacts", "Status": "Enabled", "Filter": {"Prefix": ""},
        "Expiration": {"Days": ARTIFACT_DAYS},
        "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1}}]})


def _exists(s3, bucket: str, key: str) -> bool:
    from botocore.exceptions import ClientError
    try:
        s3.head_object(Bucket=bucket, Key=key)
        return True
    except ClientError:
        return False


def template_url(bucket: str, key: str, region: str) -> str:
    # CloudFormation reads it with the caller's credentials: the bucket stays private, no presigned URL needed.
    host = "s3.amazonaws.com" if region == "us-east-1" else f"s3.{region}.amazonaws.com"
    return f"https://{bucket}.{host}/{key}"


def upload(s3, bucket: str, step: Step, region: str) -> str:
    """Upload the artifact (once per content) and the rewritten template; returns the template's URL."""
    if not _exists(s3, bucket, step.artifact_key):
        s3.upload_file(str(step.artifact), bucket, step.artifact_key)  # multipart above 8 MB
    template = with_code_uri(json.loads(step.template.read_text(encoding="utf-8")), bucket, step.artifact_key)
    s3.put_object(Bucket=bucket, Key=step.template_key, Body=json.dumps(template).encode(),
                  ContentType="application/json")
    return template_url(bucket, step.template_key, region)


def _stack_status(cfn, name: str) -> str | None:
    from botocore.exceptions import ClientError
    try:
        return cfn.describe_stacks(StackName=name)["Stacks"][0]["StackStatus"]
    except ClientError as exc:
        if "does not exist" in str(exc):
            return None
        raise


def _wait(cfn, waiter: str, **kwargs) -> None:
    from botocore.exceptions import WaiterError
    try:
        cfn.get_waiter(waiter).wait(**kwargs, WaiterConfig={"Delay": 5, "MaxAttempts": 360})
    except WaiterError as exc:
        raise DeployError(f"{waiter} {kwargs}: {exc}") from None


def apply(cfn, step: Step, template_url: str, parameters: list[dict] | None = None) -> None:
    status = _stack_status(cfn, step.stack)
    if status == "ROLLBACK_COMPLETE":  # a failed first create cannot be updated: delete, then create
        cfn.delete_stack(StackName=step.stack)
        _wait(cfn, "stack_delete_complete", StackName=step.stack)
        status = None
    kind = "CREATE" if status in (None, "REVIEW_IN_PROGRESS") else "UPDATE"
    name = f"{step.stack}-{int(time.time())}"
    cfn.create_change_set(StackName=step.stack, ChangeSetName=name, ChangeSetType=kind, TemplateURL=template_url,
                          Capabilities=CAPABILITIES, Parameters=parameters or [],
                          Tags=[{"Key": "app", "Value": APP}, {"Key": "package", "Value": step.package}])
    try:
        _wait(cfn, "change_set_create_complete", StackName=step.stack, ChangeSetName=name)
    except DeployError:
        described = cfn.describe_change_set(StackName=step.stack, ChangeSetName=name)
        reason = described.get("StatusReason", "")
        if "didn't contain changes" in reason or "No updates" in reason:
            cfn.delete_change_set(StackName=step.stack, ChangeSetName=name)
            step.outcome = "unchanged"
            return
        raise DeployError(f"{step.stack}: change set failed: {reason}") from None
    cfn.execute_change_set(StackName=step.stack, ChangeSetName=name)
    _wait(cfn, "stack_create_complete" if kind == "CREATE" else "stack_update_complete", StackName=step.stack)
    step.outcome = "created" if kind == "CREATE" else "updated"


def outputs(cfn, name: str) -> dict:
    stack = cfn.describe_stacks(StackName=name)["Stacks"][0]
    return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}


def bootstrap_env(stage: str, region: str, shared_outputs: dict, endpoint: str | None) -> dict:
    """The environment of the deployed functions, as far as the bootstrap needs it (no secret value)."""
    import os

    from infra.package import stage_names
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EDGEPLANE_", "POWERTOOLS_"))}
    env.pop("AWS_ENDPOINT_URL", None)
    env.update(stage_names(stage))
    env.update({"EDGEPLANE_STAGE": stage, "AWS_DEFAULT_REGION": region, "AWS_REGION": region,
                "EDGEPLANE_TABLE": shared_outputs["TableName"], "EDGEPLANE_BUCKET": shared_outputs["BucketName"],
                "EDGEPLANE_JWT_SECRET_ID": shared_outputs["JwtSecretArn"],
                "EDGEPLANE_ADMIN_PASSWORD_ID": shared_outputs["AdminPasswordArn"],
                "EDGEPLANE_DATA_KEY_ID": shared_outputs["DataKeyArn"],
                "PYTHONPATH": str(ROOT)})
    if endpoint:
        env["AWS_ENDPOINT_URL"] = endpoint
    return env


def bootstrap(stage: str, region: str, shared_outputs: dict, endpoint: str | None = None) -> str:
    """The first administrator in the deployed table (with the generated password read from Secrets Manager),
    their IAM project and the inventory: in a fresh process, so every model binds to the deployed table."""
    import subprocess
    proc = subprocess.run([sys.executable, "-m", "infra.deploy", "--bootstrap-here"], cwd=ROOT,
                          env=bootstrap_env(stage, region, shared_outputs, endpoint),
                          capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        raise DeployError("bootstrap failed:\n" + (proc.stderr or proc.stdout)[-4000:])
    return proc.stdout.strip().splitlines()[-1]


def _bootstrap_here() -> int:
    from infra import resources
    username, generated = resources.bootstrap(inventory=True)
    if generated:  # cannot happen with the secret in place; a password is never printed
        print("the administrator got a generated password: the AdminPassword secret was not read",
              file=sys.stderr)
        return 1
    print(username)
    return 0


def deploy(stage: str = "dev", region: str = "us-east-1", *, only: list[str] | None = None,
           skip_package: bool = False, artifacts: str | None = None, run_bootstrap: bool = True,
           dry_run: bool = False, out: Path | None = None, alarm_email: str = "", echo=print) -> dict:
    from infra import package as packaging
    out = (out or ROOT / "build" / "package" / stage).resolve()
    if skip_package:
        summary_file = out / "summary.json"
        if not summary_file.exists():
            raise DeployError(f"{summary_file} is missing: run without --skip-package")
        summary = json.loads(summary_file.read_text(encoding="utf-8"))
    else:
        summary = packaging.build(stage, out, only, region)
        packaging.print_summary(summary)
    steps = plan(summary, stage, only)
    result: dict = {"stage": stage, "region": region, "stacks": {}}
    if dry_run:
        for s in steps:
            echo(f"would deploy {s.stack:<28} from {s.template} (code {s.artifact_key})")
            result["stacks"][s.package] = {"stack": s.stack, "outcome": "planned"}
        return result

    session = _session(region)
    from chalicelib.core.config import settings
    endpoint = settings().endpoint_url  # a local run (moto) sets it; AWS leaves it empty
    sts = session.client("sts", endpoint_url=endpoint)
    account = sts.get_caller_identity()["Account"]
    bucket = artifacts or f"{APP}-{stage}-artifacts-{account}-{region}"
    s3 = session.client("s3", endpoint_url=endpoint)
    cfn = session.client("cloudformation", endpoint_url=endpoint)
    ensure_artifact_bucket(s3, bucket, region)
    echo(f"account {account}, region {region}, artifacts s3://{bucket}")
    shared_outputs: dict = {}
    for s in steps:
        url = upload(s3, bucket, s, region)
        params = [{"ParameterKey": "AlarmEmail", "ParameterValue": alarm_email}] if s.package == SHARED else []
        apply(cfn, s, url, params)
        s.outputs = outputs(cfn, s.stack)
        if s.package == SHARED:
            shared_outputs = s.outputs
        echo(f"{s.stack:<28} {s.outcome:<10} {s.outputs.get('EndpointURL', '')}")
        result["stacks"][s.package] = {"stack": s.stack, "outcome": s.outcome, "outputs": s.outputs}
    if run_bootstrap:
        if not shared_outputs:
            if _stack_status(cfn, stack_name(stage, SHARED)) is None:
                raise DeployError("bootstrap needs the shared stack: deploy `events` first")
            shared_outputs = outputs(cfn, stack_name(stage, SHARED))
        result["admin"] = bootstrap(stage, region, shared_outputs, endpoint)
        echo(f"administrator {result['admin']!r}: password in Secrets Manager {shared_outputs['AdminPasswordArn']}")
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m infra.deploy", description=__doc__.split("\n")[0])
    ap.add_argument("--stage", default="dev")
    ap.add_argument("--region", default=None, help="default: the AWS configuration's region, else us-east-1")
    ap.add_argument("--only", default="", help="comma-separated packages (default: events and every API)")
    ap.add_argument("--artifacts", default=None, help="artifact bucket (default: created per stage and account)")
    ap.add_argument("--alarm-email", default="", help="subscribe this address to the alarms")
    ap.add_argument("--skip-package", action="store_true", help="deploy build/package/<stage> as it is")
    ap.add_argument("--no-bootstrap", action="store_true")
    ap.add_argument("--dry-run", action="store_true")
    ap.add_argument("--bootstrap-here", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.bootstrap_here:
        return _bootstrap_here()
    region = args.region or _session(None).region_name or "us-east-1"
    try:
        deploy(args.stage, region, only=[p for p in args.only.split(",") if p] or None,
               skip_package=args.skip_package, artifacts=args.artifacts, run_bootstrap=not args.no_bootstrap,
               dry_run=args.dry_run, alarm_email=args.alarm_email)
    except DeployError as exc:
        print(f"deploy: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
