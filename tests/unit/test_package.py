"""`make package` end to end: the real ``python -m infra.package`` (two ``chalice package`` runs per package),
then cfn-lint on every template, the shared resources, the API Gateway quota and statelint on the ASL.

cfn-lint runs with every rule on: no rule is ignored (``IGNORED_RULES`` is empty); warnings would be
reported but not fail. The ``I`` (informational) rules are clean too at the time of writing but are not
enforced. No timing is asserted anywhere.
"""
from __future__ import annotations

import fcntl
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CFN_LINT = Path(sys.executable).parent / "cfn-lint"
IGNORED_RULES: dict[str, str] = {}  # rule id -> why; keep empty unless a rule is wrong for SAM/chalice output
API_QUOTA = 300
STAGE = "dev"


def _packages() -> list[str]:
    from chalicelib.surfaces import SURFACES
    return ["events", *SURFACES]


PACKAGES = _packages()
SURFACE_PACKAGES = [p for p in PACKAGES if p != "events"]


def _clean_env() -> dict:
    # conftest puts the test stage and moto credentials in os.environ: packaging must not see them.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "EDGEPLANE_", "POWERTOOLS_"))}
    env["PYTHONPATH"] = str(ROOT)
    return env


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    # Package once per test run: under xdist the workers share the run's temporary root (the pattern the
    # xdist docs give), and the lock also keeps two builds off chalice's dependency cache at the same time.
    base = tmp_path_factory.getbasetemp()
    root = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    out = root / "edgeplane-package" / STAGE
    with open(root / "edgeplane-package.lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        log = root / "edgeplane-package.log"
        if not (out / "summary.json").exists():
            proc = subprocess.run([sys.executable, "-m", "infra.package", "--stage", STAGE, "--out", str(out)],
                                  cwd=ROOT, env=_clean_env(), capture_output=True, text=True, timeout=600)
            log.write_text(proc.stdout + proc.stderr)
    summary_file = out / "summary.json"
    assert summary_file.exists(), log.read_text()
    summary = json.loads(summary_file.read_text())
    templates = {name: json.loads(Path(p["template"]).read_text())
                 for name, p in summary["packages"].items() if p.get("template")}
    return {"log": log.read_text(), "summary": summary, "templates": templates, "out": out}


@pytest.fixture(scope="module")
def lint(built):
    files = [p["template"] for p in built["summary"]["packages"].values() if p.get("template")]
    cmd = [str(CFN_LINT), "--format", "json", *files]
    if IGNORED_RULES:
        cmd += ["--ignore-checks", *IGNORED_RULES]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert proc.returncode in (0, 2, 4, 6, 8, 10, 12, 14), proc.stderr  # bit flags: 2 error, 4 warning, 8 info
    matches = json.loads(proc.stdout or "[]")
    by_file: dict[str, list] = {}
    for m in matches:
        by_file.setdefault(str(Path(m["Filename"]).resolve()), []).append(m)
    return by_file


def shared(built) -> dict:
    return built["templates"]["events"]


def of_type(template: dict, kind: str) -> dict:
    return {k: r for k, r in template["Resources"].items() if r["Type"] == kind}


def functions(template: dict) -> dict:
    return of_type(template, "AWS::Serverless::Function")


# --------------------------------------------------------------------------- packaging and lint

@pytest.mark.parametrize("package", PACKAGES)
def test_package_builds_without_problems(built, package):
    info = built["summary"]["packages"].get(package)
    assert info is not None, built["log"]
    assert info.get("ok"), info.get("error") or info.get("problems")
    assert (Path(info["template"]).parent / "deployment.zip").exists()


@pytest.mark.parametrize("package", PACKAGES)
def test_cfn_lint_has_no_errors(built, lint, package):
    template = str(Path(built["summary"]["packages"][package]["template"]).resolve())
    found = lint.get(template, [])
    errors = [m for m in found if m["Level"] == "Error"]
    warnings = [m for m in found if m["Level"] == "Warning"]
    if warnings:
        print(f"cfn-lint warnings in {package}:", *(f"{m['Rule']['Id']} {m['Message']}" for m in warnings), sep="\n")
    assert not errors, "\n".join(f"{m['Rule']['Id']} {m['Message']} @ {m['Location']['Path']}" for m in errors)


# --------------------------------------------------------------------------- the shared stack

def test_table_has_pitr_sse_and_the_model_schema(built):
    from chalicelib.store.base import Entity
    tables = of_type(shared(built), "AWS::DynamoDB::Table")
    assert list(tables) == ["MainTable"]
    props = tables["MainTable"]["Properties"]
    assert props["TableName"] == f"edgeplane-{STAGE}-main"
    assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert props["SSESpecification"]["SSEEnabled"] is True
    schema = Entity._get_schema()
    assert {i["IndexName"] for i in props["GlobalSecondaryIndexes"]} == \
        {i["index_name"] for i in schema["global_secondary_indexes"]}


def test_bucket_is_private_encrypted_expiring_and_notifies_the_uploads_queue(built):
    t = shared(built)
    bucket = of_type(t, "AWS::S3::Bucket")["FilesBucket"]
    props = bucket["Properties"]
    assert props["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"]
    assert all(props["PublicAccessBlockConfiguration"][k] for k in (
        "BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"))
    rules = props["LifecycleConfiguration"]["Rules"]
    assert any(r.get("AbortIncompleteMultipartUpload") == {"DaysAfterInitiation": 1} for r in rules)
    assert any(r.get("Prefix") == "uploads/" and r.get("ExpirationInDays") == 7 for r in rules)
    (notification,) = props["NotificationConfiguration"]["QueueConfigurations"]
    uploads = notification["Queue"]["Fn::GetAtt"][0]
    assert t["Resources"][uploads]["Properties"]["QueueName"] == f"edgeplane-{STAGE}-uploads"
    policies = [r for r in of_type(t, "AWS::SQS::QueuePolicy").values()
                if {"Ref": uploads} in r["Properties"]["Queues"]]
    assert policies, "no queue policy lets S3 send to the uploads queue"
    (stmt,) = policies[0]["Properties"]["PolicyDocument"]["Statement"]
    assert stmt["Principal"] == {"Service": "s3.amazonaws.com"} and stmt["Action"] == "sqs:SendMessage"
    assert "aws:SourceArn" in json.dumps(stmt["Condition"])
    assert policies and any(d == f"{uploads}Policy" for d in bucket.get("DependsOn", []))


def test_every_consumed_queue_exists_with_a_dlq_and_redrive(built):
    t = shared(built)
    queues = {r["Properties"]["QueueName"]: (k, r["Properties"]) for k, r in of_type(t, "AWS::SQS::Queue").items()}
    consumed = set()
    for tpl in built["templates"].values():
        for fn in functions(tpl).values():
            for ev in (fn["Properties"].get("Events") or {}).values():
                if ev["Type"] == "SQS":
                    consumed.add(ev["Properties"]["Queue"]["Fn::Sub"].rsplit(":", 1)[1])
    assert {f"edgeplane-{STAGE}-{n}" for n in ("jobs", "steps", "uploads", "jobs-dlq", "steps-dlq")} <= consumed
    for name in consumed:
        assert name in queues, f"chalice listens to {name}, which the template does not create"
        redrive = queues[name][1]["RedrivePolicy"]
        # 5 receives, and more on a consumed DLQ (SQS keeps the receive count when it dead-letters a message)
        assert redrive["maxReceiveCount"] == (10 if name.endswith("-dlq") else 5), name
        dlq_logical = redrive["deadLetterTargetArn"]["Fn::GetAtt"][0]
        assert t["Resources"][dlq_logical]["Type"] == "AWS::SQS::Queue"


def test_every_sqs_event_source_reports_batch_item_failures(built):
    seen = 0
    for tpl in built["templates"].values():
        for name, fn in functions(tpl).items():
            for ev_id, ev in (fn["Properties"].get("Events") or {}).items():
                if ev["Type"] == "SQS":
                    seen += 1
                    assert ev["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"], (name, ev_id)
    assert seen >= 5


def test_alarms_watch_every_dlq_and_failed_executions(built):
    t = shared(built)
    alarms = of_type(t, "AWS::CloudWatch::Alarm").values()
    watched_queues = {a["Properties"]["Dimensions"][0]["Value"]["Fn::GetAtt"][0] for a in alarms
                      if a["Properties"]["MetricName"] == "ApproximateNumberOfMessagesVisible"}
    dlqs = {r["Properties"]["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]
            for r in of_type(t, "AWS::SQS::Queue").values() if "RedrivePolicy" in r["Properties"]}
    assert dlqs and dlqs <= watched_queues
    for a in alarms:
        assert a["Properties"]["Threshold"] == 0 and a["Properties"]["ComparisonOperator"] == "GreaterThanThreshold"
    failed = [a for a in alarms if a["Properties"]["MetricName"] == "ExecutionsFailed"]
    machines = of_type(t, "AWS::StepFunctions::StateMachine")
    assert {a["Properties"]["Dimensions"][0]["Value"]["Ref"] for a in failed} == set(machines)


def test_state_machine_role_is_least_privilege(built):
    t = shared(built)
    (sm,) = of_type(t, "AWS::StepFunctions::StateMachine").values()
    role = t["Resources"][sm["Properties"]["RoleArn"]["Fn::GetAtt"][0]]
    statements = [s for p in role["Properties"]["Policies"] for s in p["PolicyDocument"]["Statement"]]
    grants = {(a, json.dumps(s["Resource"], sort_keys=True)) for s in statements for a in s["Action"]}
    steps = sm["Properties"]["DefinitionSubstitutions"]["StepsQueueUrl"]["Ref"]
    assert grants == {
        ("sqs:SendMessage", json.dumps({"Fn::GetAtt": [steps, "Arn"]})),
        ("dynamodb:UpdateItem", json.dumps({"Fn::GetAtt": ["MainTable", "Arn"]})),
    }


def test_asl_placeholders_are_exactly_the_substituted_keys(built):
    from chalicelib.jobs import asl
    machines = of_type(shared(built), "AWS::StepFunctions::StateMachine")
    assert set(machines) == {f"{n.capitalize()}StateMachine" for n in asl.MACHINES}
    for name in asl.MACHINES:
        props = machines[f"{name.capitalize()}StateMachine"]["Properties"]
        assert set(props["DefinitionSubstitutions"]) == asl.placeholders(name)
        assert props["DefinitionString"] == asl.source(name)


def _cfn_substitute(props: dict, template: dict) -> str:
    """Fill DefinitionSubstitutions the way CloudFormation would (Refs become plausible physical values)."""
    def value(v):
        if isinstance(v, dict) and "Ref" in v:
            res = template["Resources"][v["Ref"]]
            if res["Type"] == "AWS::SQS::Queue":
                return f"https://sqs.us-east-1.amazonaws.com/123456789012/{res['Properties']['QueueName']}"
            return res["Properties"].get("TableName", v["Ref"])
        assert not isinstance(v, (dict, list)), v
        return str(v).lower() if isinstance(v, bool) else str(v)
    subs = {k: value(v) for k, v in props["DefinitionSubstitutions"].items()}
    return re.sub(r"\$\{(\w+)\}", lambda m: subs[m.group(1)], props["DefinitionString"])


def test_rendered_asl_passes_statelint(built):
    """Every check of statelint, none ignored, on the definition CloudFormation will receive."""
    from statelint.linter import Linter
    t = shared(built)
    for logical, sm in of_type(t, "AWS::StepFunctions::StateMachine").items():
        text = _cfn_substitute(sm["Properties"], t)
        json.loads(text)
        assert Linter.validate(text) == [], logical


def test_statelint_catches_a_broken_definition():
    from statelint.linter import Linter
    assert Linter.validate(json.dumps({"StartAt": "A", "States": {"A": {"Type": "Choise"}}}))


def test_functions_get_names_table_bucket_workflow_and_no_literal_secret(built):
    expected = {"EDGEPLANE_TABLE", "EDGEPLANE_BUCKET", "EDGEPLANE_JOBS_QUEUE", "EDGEPLANE_STEPS_QUEUE",
                "EDGEPLANE_UPLOADS_QUEUE", "EDGEPLANE_WORKFLOW_ARN", "EDGEPLANE_STAGE", "EDGEPLANE_JWT_SECRET_ID",
                "EDGEPLANE_DATA_KEY_ID",
                "EDGEPLANE_SURFACES"}
    for package, tpl in built["templates"].items():
        params = tpl.get("Parameters", {})
        assert not any("secret" in k.lower() and "Default" in p for k, p in params.items())
        for name, fn in functions(tpl).items():
            env = fn["Properties"]["Environment"]["Variables"]
            assert expected <= set(env), (package, name, expected - set(env))
            assert env["EDGEPLANE_SURFACES"] == package and env["EDGEPLANE_STAGE"] == STAGE
            # the key by reference only, read at run time: no value (nor a dynamic reference that CloudFormation
            # would resolve into the function's configuration) anywhere
            assert "EDGEPLANE_JWT_SECRET" not in env and "EDGEPLANE_ADMIN_PASSWORD" not in env, (package, name)
            assert "{{resolve:" not in json.dumps(tpl), package
            if package == "events":
                assert env["EDGEPLANE_WORKFLOW_ARN"] == {"Ref": "WorkflowStateMachine"}
                assert env["EDGEPLANE_JWT_SECRET_ID"] == {"Ref": "JwtSecret"}
            else:
                assert env["EDGEPLANE_WORKFLOW_ARN"] == {"Fn::ImportValue": f"edgeplane-{STAGE}-WorkflowArn"}
                assert env["EDGEPLANE_JWT_SECRET_ID"] == {"Fn::ImportValue": f"edgeplane-{STAGE}-JwtSecretArn"}
    exports = {o["Export"]["Name"] for o in shared(built)["Outputs"].values() if "Export" in o}
    for package in SURFACE_PACKAGES:
        imports = set(re.findall(r'"Fn::ImportValue": "([^"]+)"', json.dumps(built["templates"][package])))
        assert imports and imports <= exports, (package, imports - exports)


def test_function_policies_are_explicit_and_scoped(built):
    for package, tpl in built["templates"].items():
        for name, fn in functions(tpl).items():
            role = tpl["Resources"][fn["Properties"]["Role"]["Fn::GetAtt"][0]]
            statements = [s for p in role["Properties"]["Policies"] for s in p["PolicyDocument"]["Statement"]]
            actions = {a for s in statements for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])}
            assert "dynamodb:Scan" not in actions and not any(a.endswith(":*") or a == "*" for a in actions)
            for s in statements:
                if s["Resource"] == "*":  # only the task-token calls, which take no resource
                    assert all(a.startswith("states:SendTask") for a in s["Action"]), (package, name, s)
            if package != "events":
                assert not any(a.startswith("states:") for a in actions), (package, name)
            # the JWT key and nothing else of Secrets Manager; the admin password is for the deploy's bootstrap only
            reads = [s for s in statements if any(a.startswith("secretsmanager:") for a in
                                                   ([s["Action"]] if isinstance(s["Action"], str) else s["Action"]))]
            env = fn["Properties"]["Environment"]["Variables"]
            assert [(s["Action"], s["Resource"]) for s in reads] == \
                [("secretsmanager:GetSecretValue", [env["EDGEPLANE_JWT_SECRET_ID"], env["EDGEPLANE_DATA_KEY_ID"]])], \
                (package, name)


# --------------------------------------------------------------------------- the surface APIs

def _api_resources(template: dict) -> int:
    paths = template["Resources"]["RestAPI"]["Properties"]["DefinitionBody"]["paths"]
    prefixes = {"/"}
    for path in paths:
        parts = [p for p in path.split("/") if p]
        prefixes.update("/" + "/".join(parts[:i]) for i in range(1, len(parts) + 1))
    return len(prefixes)


@pytest.mark.parametrize("surface", SURFACE_PACKAGES)
def test_surface_api_fits_the_api_gateway_quota(built, surface):
    tpl = built["templates"][surface]
    assert "RestAPI" in tpl["Resources"]
    n = _api_resources(tpl)
    assert 1 < n <= API_QUOTA
    assert n == built["summary"]["packages"][surface]["api_gateway_resources"]


def test_shared_stack_has_no_api_and_each_surface_only_its_routes(built):
    assert "RestAPI" not in shared(built)["Resources"]
    for surface in SURFACE_PACKAGES:
        assert not of_type(built["templates"][surface], "AWS::SQS::Queue")
        assert not of_type(built["templates"][surface], "AWS::DynamoDB::Table")
    contract = {"/edgeplane/openapi", "/edgeplane/openapi/{api}"}  # every API serves its own OpenAPI document
    for surface in SURFACE_PACKAGES:
        paths = set(built["templates"][surface]["Resources"]["RestAPI"]["Properties"]["DefinitionBody"]["paths"])
        assert contract <= paths, surface
    edgeplane = built["templates"].get("edgeplane")
    if edgeplane:
        paths = set(edgeplane["Resources"]["RestAPI"]["Properties"]["DefinitionBody"]["paths"]) - contract
        assert paths and all(p.startswith("/edgeplane/v1/") for p in paths)
