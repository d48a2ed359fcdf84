"""``make package``: CloudFormation (SAM) templates for one stage, one stack per surface API plus a shared stack.

    python -m infra.package [--stage dev] [--out build/package/<stage>] [--only events,edgeplane]

Every package is ``chalice package --stage <stage> --merge-template <merge.json> <out>/<name>`` run with
``EDGEPLANE_SURFACES=<name>``, so app.py registers only that part of the app:

* ``events`` → the **shared stack**: the event handlers (SQS consumers, the schedule; no API) merged with
  every shared resource (table, bucket + S3→SQS notification, queues + DLQs, state machine + role,
  alarms, the generated JWT secret) and exports for the surface stacks;
* ``<surface>`` (each name in ``chalicelib.surfaces.SURFACES``) → one REST API per surface, whose
  functions import the shared resources (``Fn::ImportValue``). Deploy ``events`` first.

Each package takes two chalice runs: the first (no merge template) only discovers the logical ids chalice
gives functions, roles and event sources; the merge template is generated for exactly those; the second
run merges it. The merge is a deep dict merge in which the file wins and lists are replaced (chalice
``TemplateDeepMerger``), so an intrinsic chalice wrote (the ``Fn::Sub`` queue ARN of an event source)
cannot be replaced, only completed.

The single sources: queues in ``infra/resources.py``, the table in ``chalicelib.store.tables``, the ASL
files via ``chalicelib.jobs.asl``. Results (sizes, resource counts) go to ``<out>/summary.json``.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP = "edgeplane"
SHARED = "events"
MAX_API_RESOURCES = 300          # API Gateway default quota: resources per REST API
MAX_TEMPLATE_BYTES = 1_000_000   # CloudFormation: template body uploaded to S3
# argon2id hashing (19 MiB, ~20-40 ms on a full core) and pydantic/boto3 imports are CPU-bound; Lambda CPU
# scales with memory, so chalice's default 128 MB would make login and cold starts several times slower.
API_MEMORY_MB = 512
WORKER_MEMORY_MB = 256
VISIBILITY_PER_TIMEOUT = 6       # AWS guidance: a consumed queue's visibility timeout = 6 x the function timeout
DLQ_RETENTION_SECONDS = 14 * 24 * 3600  # longer than the source queue's: SQS keeps the original enqueue time
QUEUE_RETENTION_SECONDS = 4 * 24 * 3600
_SQS_ARN = re.compile(r"^arn:\$\{AWS::Partition\}:sqs:\$\{AWS::Region\}:\$\{AWS::AccountId\}:(?P<name>[A-Za-z0-9_-]+)$")

# Step Functions permissions per handler (the function's Python name). Anything else gets the base policy
# (table, bucket, enqueue a job, consume its own queues) and no Step Functions access.
STATES_NEEDS = {
    "on_jobs": {"start"},
    "on_steps": {"callback"},
    "on_steps_dlq": {"callback"},
    "on_jobs_dlq": {"callback"},
    "on_tick": {"describe"},
}


class PackageError(RuntimeError):
    pass


# --------------------------------------------------------------------------- names

def camel(name: str) -> str:
    return "".join(p[:1].upper() + p[1:] for p in re.split(r"[-_]+", name) if p)


def stage_names(stage: str) -> dict[str, str]:
    """Stage-scoped physical names: the env of both the chalice run (queue ARNs) and the functions."""
    return {
        "EDGEPLANE_TABLE": f"{APP}-{stage}-main",
        "EDGEPLANE_JOBS_QUEUE": f"{APP}-{stage}-jobs",
        "EDGEPLANE_STEPS_QUEUE": f"{APP}-{stage}-steps",
        "EDGEPLANE_UPLOADS_QUEUE": f"{APP}-{stage}-uploads",
    }


def bucket_name_sub(stage: str) -> str:
    # Known before the bucket exists (the queue policy names it without a Ref: no dependency cycle) and
    # globally unique enough for S3.
    return f"{APP}-{stage}-files-${{AWS::AccountId}}-${{AWS::Region}}"


def export(stage: str, key: str) -> str:
    return f"{APP}-{stage}-{key}"


# The values every function needs, by key: a Ref/GetAtt in the shared stack, an import in a surface stack.
SHARED_VALUES = {
    "TableName": {"Ref": "MainTable"},
    "TableArn": {"Fn::GetAtt": ["MainTable", "Arn"]},
    "BucketName": {"Ref": "FilesBucket"},
    "BucketArn": {"Fn::GetAtt": ["FilesBucket", "Arn"]},
    "JobsQueueArn": {"Fn::GetAtt": ["JobsQueue", "Arn"]},
    "WorkflowArn": {"Ref": "WorkflowStateMachine"},
    "JwtSecretArn": {"Ref": "JwtSecret"},
    "AdminPasswordArn": {"Ref": "AdminPassword"},
    "DataKeyArn": {"Ref": "DataKey"},
}


def values_for(package: str, stage: str) -> dict:
    if package == SHARED:
        return dict(SHARED_VALUES)
    return {k: {"Fn::ImportValue": export(stage, k)} for k in SHARED_VALUES}


# --------------------------------------------------------------------------- chalice runs

def _chalice_env(package: str, stage: str, region: str, import_secret: str) -> dict:
    # The caller's AWS_*/EDGEPLANE_* (a local run's endpoint, a test's stage) must not leak into the import.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "EDGEPLANE_", "POWERTOOLS_"))}
    env.update(stage_names(stage))
    env.update({
        "AWS_DEFAULT_REGION": region,
        "AWS_EC2_METADATA_DISABLED": "true",
        "EDGEPLANE_SURFACES": package,
        # app.py reads settings() at import and a non-local stage requires a secret: give the import a
        # throwaway value. It is never written anywhere (check() asserts that).
        "EDGEPLANE_JWT_SECRET": import_secret,
    })
    for k in ("EDGEPLANE_STEP_TIMEOUT",):  # deliberate build inputs the caller may set
        if k in os.environ:
            env[k] = os.environ[k]
    return env


def chalice_package(package: str, out: Path, *, stage: str, region: str, import_secret: str,
                    merge: Path | None = None) -> dict:
    if out.exists():
        shutil.rmtree(out)
    cmd = [sys.executable, "-c", "import sys; from chalice.cli import main; sys.exit(main())",
           "--project-dir", str(ROOT), "package", "--stage", stage]
    if merge is not None:
        cmd += ["--merge-template", str(merge)]
    cmd.append(str(out))
    proc = subprocess.run(cmd, cwd=ROOT, env=_chalice_env(package, stage, region, import_secret),
                          capture_output=True, text=True, timeout=900)
    if proc.returncode != 0:
        tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-15:])
        raise PackageError(f"chalice package failed for {package!r} (rc={proc.returncode}):\n{tail}")
    return json.loads((out / "sam.json").read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- discovery

@dataclass
class Function:
    logical: str
    handler: str
    role: str | None
    timeout: int
    sqs_events: dict[str, str] = field(default_factory=dict)   # event logical id -> queue name
    sqs_arns: dict[str, dict] = field(default_factory=dict)    # queue name -> chalice's Fn::Sub ARN

    @property
    def python_name(self) -> str:
        return self.handler.rsplit(".", 1)[-1]

    @property
    def is_api(self) -> bool:
        return self.handler == "app.app"


def discover(template: dict) -> list[Function]:
    found = []
    for logical, res in template.get("Resources", {}).items():
        if res.get("Type") != "AWS::Serverless::Function":
            continue
        props = res["Properties"]
        role = props.get("Role", {}).get("Fn::GetAtt", [None])[0] if isinstance(props.get("Role"), dict) else None
        fn = Function(logical, props["Handler"], role, int(props.get("Timeout", 3)))
        for ev_id, ev in (props.get("Events") or {}).items():
            if ev.get("Type") != "SQS":
                continue
            arn = ev["Properties"]["Queue"]
            m = _SQS_ARN.match(arn.get("Fn::Sub", "") if isinstance(arn, dict) else "")
            if not m:
                raise PackageError(f"{logical}.{ev_id}: unexpected queue reference {arn!r}")
            fn.sqs_events[ev_id] = m["name"]
            fn.sqs_arns[m["name"]] = arn
        found.append(fn)
    return found


# --------------------------------------------------------------------------- queues

@dataclass
class Queue:
    name: str
    logical: str
    visibility: int | None = None
    dlq: str | None = None          # name of its dead-letter queue
    is_dlq: bool = False


def plan_queues(stage: str, consumers: list[Function]) -> dict[str, Queue]:
    """The queues of infra/resources.py with their DLQs; a DLQ that a handler consumes gets its own DLQ."""
    from infra import resources
    prefix = f"{APP}-{stage}-"
    short = lambda n: n[len(prefix):] if n.startswith(prefix) else n  # noqa: E731
    plan: dict[str, Queue] = {}

    def add(name: str, visibility: int | None = None, is_dlq: bool = False) -> Queue:
        q = plan.get(name) or Queue(name, camel(short(name)) + "Queue", is_dlq=is_dlq)
        if visibility is not None:
            q.visibility = max(q.visibility or 0, visibility)
        plan[name] = q
        return q

    for spec in resources.queues():
        q = add(spec["name"], spec["visibility"])
        q.dlq = spec["name"] + "-dlq"
        add(q.dlq, is_dlq=True)
    consumed: dict[str, int] = {}
    for fn in consumers:
        for name in fn.sqs_events.values():
            consumed[name] = max(consumed.get(name, 0), fn.timeout)
    unknown = sorted(set(consumed) - set(plan))
    if unknown:
        raise PackageError(f"handlers consume queues that infra/resources.py does not define: {unknown}")
    for name, timeout in consumed.items():
        q = plan[name]
        if q.is_dlq:  # a consumed DLQ is a work queue too: it needs a visibility timeout and its own DLQ
            add(name, VISIBILITY_PER_TIMEOUT * timeout)
            if q.dlq is None:
                q.dlq = name + "-dlq"
                add(q.dlq, is_dlq=True)
    return plan


# --------------------------------------------------------------------------- shared resources

def _table(stage: str) -> dict:
    from chalicelib.store import tables
    res = tables.cloudformation()
    res["Properties"]["TableName"] = stage_names(stage)["EDGEPLANE_TABLE"]
    return res


def _bucket(stage: str, uploads: Queue) -> dict:
    name = {"Fn::Sub": bucket_name_sub(stage)}
    arn = {"Fn::Sub": f"arn:${{AWS::Partition}}:s3:::{bucket_name_sub(stage)}"}
    return {
        "FilesBucket": {
            "Type": "AWS::S3::Bucket",
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
            # S3 checks that it may send to the queue when the notification is created.
            "DependsOn": [uploads.logical + "Policy"],
            "Properties": {
                "BucketName": name,
                "BucketEncryption": {"ServerSideEncryptionConfiguration": [
                    {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": True}]},
                "PublicAccessBlockConfiguration": {
                    "BlockPublicAcls": True, "BlockPublicPolicy": True,
                    "IgnorePublicAcls": True, "RestrictPublicBuckets": True},
                "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
                "LifecycleConfiguration": {"Rules": [
                    {"Id": "abort-incomplete-multipart", "Status": "Enabled", "Prefix": "",
                     "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1}},
                    {"Id": "expire-uploads", "Status": "Enabled", "Prefix": "uploads/", "ExpirationInDays": 7},
                ]},
                "NotificationConfiguration": {"QueueConfigurations": [
                    {"Event": "s3:ObjectCreated:*", "Queue": {"Fn::GetAtt": [uploads.logical, "Arn"]}}]},
            },
        },
        "FilesBucketPolicy": {
            "Type": "AWS::S3::BucketPolicy",
            "Properties": {
                "Bucket": {"Ref": "FilesBucket"},
                "PolicyDocument": {"Version": "2012-10-17", "Statement": [{
                    "Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                    "Resource": [{"Fn::GetAtt": ["FilesBucket", "Arn"]},
                                 {"Fn::Sub": "${FilesBucket.Arn}/*"}],
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]},
            },
        },
        uploads.logical + "Policy": {
            "Type": "AWS::SQS::QueuePolicy",
            "Properties": {
                "Queues": [{"Ref": uploads.logical}],
                "PolicyDocument": {"Version": "2012-10-17", "Statement": [{
                    "Sid": "S3UploadNotifications", "Effect": "Allow",
                    "Principal": {"Service": "s3.amazonaws.com"}, "Action": "sqs:SendMessage",
                    "Resource": {"Fn::GetAtt": [uploads.logical, "Arn"]},
                    "Condition": {"ArnLike": {"aws:SourceArn": arn},
                                  "StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}}}]},
            },
        },
    }


def _queues(plan: dict[str, Queue]) -> dict:
    from infra import resources
    out = {}
    for q in plan.values():
        props: dict = {"QueueName": q.name, "SqsManagedSseEnabled": True,
                       "MessageRetentionPeriod": DLQ_RETENTION_SECONDS if q.is_dlq else QUEUE_RETENTION_SECONDS}
        if q.visibility is not None:
            props["VisibilityTimeout"] = q.visibility
        if q.dlq:
            props["RedrivePolicy"] = {"deadLetterTargetArn": {"Fn::GetAtt": [plan[q.dlq].logical, "Arn"]},
                                      "maxReceiveCount": resources.DLQ_MAX_RECEIVE if q.is_dlq
                                      else resources.MAX_RECEIVE}
        # Explicitly Delete: a retained queue keeps its fixed name and blocks re-creating the stack.
        out[q.logical] = {"Type": "AWS::SQS::Queue", "DeletionPolicy": "Delete", "UpdateReplacePolicy": "Delete",
                          "Properties": props}
    return out


def _alarms(plan: dict[str, Queue], machines: dict[str, str]) -> dict:
    out = {
        "AlarmTopic": {"Type": "AWS::SNS::Topic",
                       "Properties": {"KmsMasterKeyId": "alias/aws/sns", "DisplayName": f"{APP} alarms"}},
        "AlarmEmailSubscription": {"Type": "AWS::SNS::Subscription", "Condition": "HasAlarmEmail",
                                   "Properties": {"TopicArn": {"Ref": "AlarmTopic"}, "Protocol": "email",
                                                  "Endpoint": {"Ref": "AlarmEmail"}}},
    }
    common = {"EvaluationPeriods": 1, "Threshold": 0, "ComparisonOperator": "GreaterThanThreshold",
              "TreatMissingData": "notBreaching", "AlarmActions": [{"Ref": "AlarmTopic"}]}
    for q in plan.values():
        if not q.is_dlq:
            continue
        out[q.logical + "DepthAlarm"] = {"Type": "AWS::CloudWatch::Alarm", "Properties": {
            "AlarmDescription": f"messages in the dead-letter queue {q.name}",
            "Namespace": "AWS/SQS", "MetricName": "ApproximateNumberOfMessagesVisible",
            "Dimensions": [{"Name": "QueueName", "Value": {"Fn::GetAtt": [q.logical, "QueueName"]}}],
            "Statistic": "Maximum", "Period": 60, **common}}
    for logical in machines.values():
        out[logical + "FailedAlarm"] = {"Type": "AWS::CloudWatch::Alarm", "Properties": {
            "AlarmDescription": f"failed executions of {logical}",
            "Namespace": "AWS/States", "MetricName": "ExecutionsFailed",
            "Dimensions": [{"Name": "StateMachineArn", "Value": {"Ref": logical}}],
            "Statistic": "Sum", "Period": 300, **common}}
    return out


def _asl_integrations(name: str) -> list[tuple[str, dict]]:
    """(service integration, Parameters) of every Task in the ASL, nested states included.

    Each placeholder is filled with a distinct number, which is valid JSON quoted or not; a parameter that
    comes back as ``"${Name}"`` came from that placeholder.
    """
    from chalicelib.jobs import asl
    tokens = {p: 900_000_001 + i for i, p in enumerate(sorted(asl.placeholders(name)))}
    probe = asl.render(name, tokens)
    for p, token in tokens.items():
        probe = probe.replace(f'"{token}"', json.dumps(f"${{{p}}}"))
    found: list[tuple[str, dict]] = []

    def walk(states: dict):
        for st in states.values():
            if st.get("Type") == "Task":
                found.append((st["Resource"], st.get("Parameters") or {}))
            for br in st.get("Branches", []):
                walk(br["States"])
            for key in ("Iterator", "ItemProcessor"):
                if key in st:
                    walk(st[key]["States"])
    walk(json.loads(probe)["States"])
    return found


def _state_machines(stage: str, plan: dict[str, Queue]) -> tuple[dict, dict[str, str]]:
    from chalicelib.core.config import settings
    from chalicelib.jobs import asl
    from infra import resources
    s = settings()
    steps = plan[s.steps_queue].logical
    # What each ASL placeholder becomes in AWS (locally, provision() passes the moto values).
    substitutions = {
        "StepsQueueUrl": {"Ref": steps},
        "MainTable": {"Ref": "MainTable"},
        "StepTimeoutSeconds": s.step_timeout_seconds,
    }
    grants = {  # placeholder -> the ARN an integration using it acts on
        "StepsQueueUrl": {"Fn::GetAtt": [steps, "Arn"]},
        "MainTable": {"Fn::GetAtt": ["MainTable", "Arn"]},
    }
    out, logicals = {}, {}
    for name in resources.state_machines():
        wanted = asl.placeholders(name)
        if wanted - set(substitutions):
            raise PackageError(f"ASL {name}: no template value for placeholders {sorted(wanted - set(substitutions))}")
        statements: dict[tuple, set] = {}
        for resource, params in _asl_integrations(name):
            m = re.match(r"^arn:aws:states:::(sqs|dynamodb):(\w+?)(\.waitForTaskToken)?$", resource)
            if not m:
                raise PackageError(f"ASL {name}: no IAM mapping for task resource {resource}")
            service, api = m[1], m[2]
            target = params.get("QueueUrl") if service == "sqs" else params.get("TableName")
            ph = re.fullmatch(r"\$\{(\w+)\}", str(target or ""))
            if not ph or ph[1] not in grants:
                raise PackageError(f"ASL {name}: {resource} must name its target through a placeholder")
            statements.setdefault((ph[1],), set()).add(f"{service}:{api[:1].upper()}{api[1:]}")
        logical = camel(name) + "StateMachine"
        role = camel(name) + "StatesRole"
        out[role] = {"Type": "AWS::IAM::Role", "Properties": {
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"Service": "states.amazonaws.com"}, "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}}}]},
            "Policies": [{"PolicyName": f"{camel(name)}Tasks", "PolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [{"Sid": f"Task{camel(ph)}", "Effect": "Allow", "Action": sorted(actions),
                               "Resource": grants[ph]} for (ph,), actions in sorted(statements.items())]}}]}}
        out[logical] = {"Type": "AWS::StepFunctions::StateMachine", "Properties": {
            "StateMachineName": f"{APP}-{stage}-{name}",
            "RoleArn": {"Fn::GetAtt": [role, "Arn"]},
            # The file as it is (``${StepTimeoutSeconds}`` is a bare number, so it is not JSON before
            # substitution): DefinitionString, not Definition.
            "DefinitionString": asl.source(name),
            "DefinitionSubstitutions": {k: substitutions[k] for k in sorted(wanted)},
        }}
        logicals[name] = logical
    return out, logicals


def _secret(stage: str) -> dict:
    # No fixed Name: a deleted secret's name stays reserved for its recovery window. The ARNs are exported and
    # the functions read the values at run time (chalicelib.core.secretref): no value is in any template or in
    # a function's configuration.
    def generated(description: str, length: int) -> dict:
        return {"Type": "AWS::SecretsManager::Secret", "DeletionPolicy": "Delete", "UpdateReplacePolicy": "Delete",
                "Properties": {"Description": description,
                               "GenerateSecretString": {"PasswordLength": length, "ExcludePunctuation": True}}}
    return {
        "JwtSecret": generated(f"HMAC key of {APP} ({stage}) JWTs: generated, read at run time", 64),
        # Sealed secrets at rest and API-key digests: its own key, so that rotating the JWT key only ends sessions.
        "DataKey": generated(f"key material of {APP} ({stage}) data at rest: generated, never rotate in place", 64),
        # The first system administrator's password: `make deploy` bootstraps the account with it; an operator
        # reads it once from Secrets Manager (and should change it after the first login).
        "AdminPassword": generated(f"first {APP} ({stage}) administrator's password: generated", 24),
    }


def shared_resources(stage: str, plan: dict[str, Queue]) -> tuple[dict, dict]:
    from chalicelib.core.config import settings
    s = settings()
    machines, logicals = _state_machines(stage, plan)
    resources = {"MainTable": _table(stage)}
    resources.update(_queues(plan))
    resources.update(_bucket(stage, plan[s.uploads_queue]))
    resources.update(machines)
    resources.update(_alarms(plan, logicals))
    resources.update(_secret(stage))
    if logicals.get("workflow") != "WorkflowStateMachine" or plan[s.jobs_queue].logical != "JobsQueue":
        raise PackageError("SHARED_VALUES names WorkflowStateMachine/JobsQueue: keep them in step")
    outputs = {key: {"Value": value, "Export": {"Name": export(stage, key)}}
               for key, value in SHARED_VALUES.items()}
    return resources, outputs


# --------------------------------------------------------------------------- functions

def _base_policy() -> list[dict]:
    cfg = json.loads((ROOT / ".chalice" / "config.json").read_text(encoding="utf-8"))
    path = ROOT / ".chalice" / cfg["iam_policy_file"]
    return json.loads(path.read_text(encoding="utf-8"))["Statement"]


def _sub(text: str, **values) -> dict:
    """``Fn::Sub`` with a variable map: the same code for a GetAtt (shared stack) and an import (surfaces)."""
    return {"Fn::Sub": [text, values]}


def function_policy(fn: Function, stage: str, v: dict) -> dict:
    """Least privilege for one function: the baseline file plus what this function's code calls."""
    statements = list(_base_policy())
    statements += [
        {"Sid": "Table", "Effect": "Allow",
         "Action": ["dynamodb:BatchGetItem", "dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem",
                    "dynamodb:DeleteItem", "dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:PutItem",
                    "dynamodb:Query", "dynamodb:UpdateItem"],  # never Scan
         "Resource": [v["TableArn"], _sub("${TableArn}/index/*", TableArn=v["TableArn"])]},
        {"Sid": "Files", "Effect": "Allow",
         "Action": ["s3:AbortMultipartUpload", "s3:DeleteObject", "s3:GetObject", "s3:ListMultipartUploadParts",
                    "s3:PutObject"],
         "Resource": _sub("${BucketArn}/*", BucketArn=v["BucketArn"])},
        # Without ListBucket a missing key answers 403 instead of 404 (blobs.get maps 404 to NotFound).
        {"Sid": "FilesList", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": v["BucketArn"]},
        {"Sid": "EnqueueJobs", "Effect": "Allow", "Action": ["sqs:GetQueueUrl", "sqs:SendMessage"],
         "Resource": v["JobsQueueArn"]},
        # The JWT key and the data key, read at run time (the admin password only by `make deploy`'s bootstrap).
        {"Sid": "Keys", "Effect": "Allow", "Action": "secretsmanager:GetSecretValue",
         "Resource": [v["JwtSecretArn"], v["DataKeyArn"]]},
    ]
    if fn.sqs_arns:
        statements.append({"Sid": "Consume", "Effect": "Allow",
                           "Action": ["sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes",
                                      "sqs:ReceiveMessage"],
                           "Resource": [fn.sqs_arns[n] for n in sorted(fn.sqs_arns)]})
    needs = STATES_NEEDS.get(fn.python_name, set())
    if "start" in needs:
        statements.append({"Sid": "StartJob", "Effect": "Allow", "Action": "states:StartExecution",
                           "Resource": v["WorkflowArn"]})
    if "describe" in needs:
        statements.append({"Sid": "DescribeJob", "Effect": "Allow", "Action": "states:DescribeExecution",
                           "Resource": {"Fn::Sub": f"arn:${{AWS::Partition}}:states:${{AWS::Region}}:"
                                                   f"${{AWS::AccountId}}:execution:{APP}-{stage}-workflow:*"}})
    if "callback" in needs:
        # SendTask* take a task token and support no resource-level permission: "*" is the only form.
        statements.append({"Sid": "TaskCallback", "Effect": "Allow",
                           "Action": ["states:SendTaskFailure", "states:SendTaskHeartbeat", "states:SendTaskSuccess"],
                           "Resource": "*"})
    return {"Version": "2012-10-17", "Statement": statements}


def function_environment(package: str, stage: str, v: dict) -> dict:
    from chalicelib.core.config import settings
    s = settings()
    names = stage_names(stage)
    return {
        "EDGEPLANE_STAGE": stage,
        "EDGEPLANE_SURFACES": package,
        "EDGEPLANE_TABLE": v["TableName"],
        "EDGEPLANE_BUCKET": v["BucketName"],
        "EDGEPLANE_JOBS_QUEUE": names["EDGEPLANE_JOBS_QUEUE"],
        "EDGEPLANE_STEPS_QUEUE": names["EDGEPLANE_STEPS_QUEUE"],
        "EDGEPLANE_UPLOADS_QUEUE": names["EDGEPLANE_UPLOADS_QUEUE"],
        "EDGEPLANE_WORKFLOW_ARN": v["WorkflowArn"],
        "EDGEPLANE_STEP_TIMEOUT": str(s.step_timeout_seconds),
        # Where the key is, not the key: resolved at run time, so the value is neither in the template nor in
        # the function's configuration (a dynamic reference would put it in plain text in the Lambda env).
        "EDGEPLANE_JWT_SECRET_ID": v["JwtSecretArn"],
        "EDGEPLANE_DATA_KEY_ID": v["DataKeyArn"],
    }


def function_overrides(package: str, stage: str, functions: list[Function], plan: dict[str, Queue]) -> dict:
    v = values_for(package, stage)
    env = function_environment(package, stage, v)
    out: dict = {}
    for fn in functions:
        props: dict = {"Environment": {"Variables": env},
                       "MemorySize": API_MEMORY_MB if fn.is_api else WORKER_MEMORY_MB}
        if fn.sqs_events:
            props["Events"] = {ev: {"Properties": {"FunctionResponseTypes": ["ReportBatchItemFailures"]}}
                               for ev in fn.sqs_events}
        res: dict = {"Properties": props}
        if package == SHARED and fn.sqs_events:
            # The event source names its queue with a Fn::Sub string: CloudFormation sees no dependency.
            res["DependsOn"] = sorted({plan[n].logical for n in fn.sqs_events.values()})
        out[fn.logical] = res
        if fn.role:
            out[fn.role] = {"Properties": {"Policies": [{"PolicyName": fn.role + "Policy",
                                                         "PolicyDocument": function_policy(fn, stage, v)}]}}
    return out


def merge_template(package: str, stage: str, functions: list[Function], plan: dict[str, Queue]) -> dict:
    template: dict = {"Resources": function_overrides(package, stage, functions, plan)}
    if package == SHARED:
        resources, outputs = shared_resources(stage, plan)
        clash = set(resources) & set(template["Resources"])
        if clash:
            raise PackageError(f"logical ids used by chalice and by the shared resources: {sorted(clash)}")
        template["Resources"].update(resources)
        template["Outputs"] = outputs
        template["Parameters"] = {"AlarmEmail": {
            "Type": "String", "Default": "", "Description": "optional address subscribed to the alarm topic"}}
        template["Conditions"] = {"HasAlarmEmail": {"Fn::Not": [{"Fn::Equals": [{"Ref": "AlarmEmail"}, ""]}]}}
    return template


# --------------------------------------------------------------------------- checks and figures

def api_gateway_resources(template: dict) -> int:
    """Resources API Gateway creates for the REST API: the root plus every distinct path prefix."""
    api = template.get("Resources", {}).get("RestAPI")
    if not api:
        return 0
    prefixes = {"/"}
    for path in api["Properties"]["DefinitionBody"].get("paths", {}):
        parts = [p for p in path.split("/") if p]
        for i in range(1, len(parts) + 1):
            prefixes.add("/" + "/".join(parts[:i]))
    return len(prefixes)


def routes(template: dict) -> int:
    api = template.get("Resources", {}).get("RestAPI")
    if not api:
        return 0
    return sum(len([m for m in ops if not m.startswith("x-")])
               for ops in api["Properties"]["DefinitionBody"].get("paths", {}).values())


def check(package: str, template: dict, text: str, plan: dict[str, Queue], import_secret: str) -> list[str]:
    problems = []
    resources = template.get("Resources", {})
    for fn in discover(template):
        props = resources[fn.logical]["Properties"]
        for ev, qname in fn.sqs_events.items():
            frt = props["Events"][ev]["Properties"].get("FunctionResponseTypes")
            if frt != ["ReportBatchItemFailures"]:
                problems.append(f"{fn.logical}.{ev}: FunctionResponseTypes missing")
            q = plan.get(qname)
            if q is None:
                problems.append(f"{fn.logical}.{ev}: queue {qname} is not created by the shared stack")
            elif (q.visibility or 30) < fn.timeout:
                problems.append(f"{fn.logical}.{ev}: visibility of {qname} ({q.visibility}s) < timeout {fn.timeout}s")
        variables = props.get("Environment", {}).get("Variables", {})
        if "EDGEPLANE_JWT_SECRET" in variables or "EDGEPLANE_JWT_SECRET_ID" not in variables:
            problems.append(f"{fn.logical}: the JWT key must be given by reference (EDGEPLANE_JWT_SECRET_ID)")
    if "{{resolve:" in text:
        problems.append(f"{package}: a dynamic reference would put a secret value into a function's configuration")
    n = api_gateway_resources(template)
    if n > MAX_API_RESOURCES:
        problems.append(f"{package}: {n} API Gateway resources (> {MAX_API_RESOURCES})")
    if len(text.encode()) > MAX_TEMPLATE_BYTES:
        problems.append(f"{package}: template is {len(text.encode())} bytes (> {MAX_TEMPLATE_BYTES})")
    if import_secret in text:
        problems.append(f"{package}: the packaging-time secret leaked into the template")
    return problems


# --------------------------------------------------------------------------- main

def packages(only: list[str] | None = None) -> list[str]:
    from chalicelib.surfaces import SURFACES
    names = [SHARED] + list(SURFACES)
    if only:
        unknown = sorted(set(only) - set(names))
        if unknown:
            raise PackageError(f"unknown packages {unknown}; known: {names}")
        names = [n for n in names if n in only]
    return names


def build(stage: str = "dev", out: Path | None = None, only: list[str] | None = None,
          region: str = "us-east-1") -> dict:
    from chalicelib.core import config
    out = (out or ROOT / "build" / "package" / stage).resolve()
    config.environ_set(**stage_names(stage))  # settings() (queue names) as the functions will see them
    out.mkdir(parents=True, exist_ok=True)
    (out / "merge").mkdir(exist_ok=True)
    import_secret = "package-time-only-" + secrets.token_hex(16)
    wanted = packages(only)
    summary: dict = {"stage": stage, "region": region, "out": str(out), "deploy_order": wanted, "packages": {}}

    # The queue plan depends on every consumer, wherever it is packaged: discover all packages first.
    discovered: dict[str, list[Function]] = {}
    failures: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="edgeplane-discover-") as tmp:
        for name in wanted:
            t0 = time.perf_counter()
            try:
                sam = chalice_package(name, Path(tmp) / name, stage=stage, region=region,
                                      import_secret=import_secret)
                discovered[name] = discover(sam)
            except PackageError as exc:
                failures[name] = str(exc)
            summary["packages"][name] = {"discover_seconds": round(time.perf_counter() - t0, 2)}
    plan = plan_queues(stage, [fn for fns in discovered.values() for fn in fns])
    summary["queues"] = {q.name: {"dlq": q.dlq, "visibility": q.visibility} for q in plan.values()}

    for name in wanted:
        info = summary["packages"][name]
        if name in failures:
            info.update(ok=False, error=failures[name])
            continue
        t0 = time.perf_counter()
        try:
            merge = merge_template(name, stage, discovered[name], plan)
            merge_path = out / "merge" / f"{name}.json"
            merge_path.write_text(json.dumps(merge, indent=2) + "\n", encoding="utf-8")
            template = chalice_package(name, out / name, stage=stage, region=region,
                                       import_secret=import_secret, merge=merge_path)
            text = (out / name / "sam.json").read_text(encoding="utf-8")
            problems = check(name, template, text, plan, import_secret)
            info.update(
                ok=not problems, problems=problems,
                kind="shared" if name == SHARED else "api",
                template=str(out / name / "sam.json"), merge=str(merge_path),
                template_bytes=len(text.encode()),
                template_bytes_minified=len(json.dumps(template, separators=(",", ":")).encode()),
                cfn_resources=len(template.get("Resources", {})),
                functions=len(discover(template)),
                routes=routes(template),
                api_gateway_resources=api_gateway_resources(template),
                package_seconds=round(time.perf_counter() - t0, 2),
            )
        except PackageError as exc:
            info.update(ok=False, error=str(exc))
    summary["ok"] = all(p.get("ok") for p in summary["packages"].values())
    (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return summary


def print_summary(summary: dict) -> None:
    print(f"stage {summary['stage']} -> {summary['out']}  (deploy order: {', '.join(summary['deploy_order'])})")
    head = f"{'package':<12} {'kind':<7} {'bytes':>9} {'minified':>9} {'cfn res':>7} {'funcs':>5} " \
           f"{'routes':>6} {'apigw res':>9}  status"
    print(head)
    print("-" * len(head))
    for name, p in summary["packages"].items():
        if "template_bytes" not in p:
            print(f"{name:<12} {'':<7} {'':>9} {'':>9} {'':>7} {'':>5} {'':>6} {'':>9}  FAILED")
            continue
        status = "ok" if p["ok"] else "PROBLEMS"
        print(f"{name:<12} {p['kind']:<7} {p['template_bytes']:>9} {p['template_bytes_minified']:>9} "
              f"{p['cfn_resources']:>7} {p['functions']:>5} {p['routes']:>6} "
              f"{p['api_gateway_resources']:>4}/{MAX_API_RESOURCES}  {status}")
    for name, p in summary["packages"].items():
        for line in p.get("problems", []) + ([p["error"]] if p.get("error") else []):
            print(f"\n[{name}] {line}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m infra.package", description=__doc__.split("\n")[0])
    ap.add_argument("--stage", default="dev")
    ap.add_argument("--out", type=Path, default=None, help="default: build/package/<stage>")
    ap.add_argument("--only", default="", help="comma-separated packages (default: events and every surface)")
    ap.add_argument("--region", default="us-east-1")
    args = ap.parse_args(argv)
    try:
        summary = build(args.stage, args.out, [p for p in args.only.split(",") if p] or None, args.region)
    except PackageError as exc:
        print(f"package: {exc}", file=sys.stderr)
        return 1
    print_summary(summary)
    return 0 if summary["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
