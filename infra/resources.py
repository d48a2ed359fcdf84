"""The AWS resources edgeplane needs besides its functions: one definition for local and for AWS.

``provision()`` creates them on whatever endpoint the process points at (moto locally, in tests);
``infra/package.py`` renders the same list into the CloudFormation merge template.
"""
from __future__ import annotations

import json

from chalicelib.core import aws
from chalicelib.core.config import settings
from chalicelib.jobs import asl
from chalicelib.store import tables

MAX_RECEIVE = 5
# A consumed DLQ's own redrive must allow more receives than its source's: SQS keeps a message's receive count
# when it dead-letters it, so with the same 5 it would pass straight on to the DLQ's DLQ, unhandled.
DLQ_MAX_RECEIVE = 2 * MAX_RECEIVE


def queues() -> list[dict]:
    s = settings()
    return [
        {"name": s.jobs_queue, "visibility": 120},
        {"name": s.steps_queue, "visibility": 6 * max(s.step_timeout_seconds // 6, 60)},
        {"name": s.uploads_queue, "visibility": 300},
    ]


def consumed_dlqs() -> list[str]:
    s = settings()
    return [s.jobs_queue + "-dlq", s.steps_queue + "-dlq"]


def state_machines() -> dict[str, str]:
    return dict(asl.MACHINES)


def provision(*, account: str = "123456789012") -> dict:
    """Create table, bucket (+ S3→SQS upload notification), queues with DLQs and state machines."""
    s = settings()
    tables.create_all(wait=False)
    sqs = aws.client("sqs")
    urls = {}

    def create(name: str, visibility: int, max_receive: int = MAX_RECEIVE) -> str:
        dlq = sqs.create_queue(QueueName=name + "-dlq")["QueueUrl"]
        dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        urls[name + "-dlq"] = dlq
        url = sqs.create_queue(QueueName=name)["QueueUrl"]
        sqs.set_queue_attributes(QueueUrl=url, Attributes={
            "VisibilityTimeout": str(visibility),
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": str(max_receive)}),
        })
        return url

    for q in queues():
        urls[q["name"]] = create(q["name"], q["visibility"])
    for name in consumed_dlqs():  # a DLQ that a handler consumes is a work queue: it gets a DLQ too (as in AWS)
        urls[name] = create(name, 360, DLQ_MAX_RECEIVE)
    s3 = aws.client("s3")
    try:
        s3.create_bucket(Bucket=s.bucket)
    except s3.exceptions.BucketAlreadyOwnedByYou:
        pass
    uploads_arn = sqs.get_queue_attributes(QueueUrl=urls[s.uploads_queue],
                                           AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    s3.put_bucket_notification_configuration(Bucket=s.bucket, NotificationConfiguration={
        "QueueConfigurations": [{"QueueArn": uploads_arn, "Events": ["s3:ObjectCreated:*"]}]})
    sfn = aws.client("stepfunctions")
    role = f"arn:aws:iam::{account}:role/edgeplane-states"
    arns = {}
    existing = {m["name"]: m["stateMachineArn"] for m in sfn.list_state_machines().get("stateMachines", [])}
    for name in state_machines():
        definition = asl.render(name, {
            "StepsQueueUrl": urls[s.steps_queue],
            "MainTable": s.table_name,
            "StepTimeoutSeconds": s.step_timeout_seconds,
        })
        full = f"edgeplane-{name}"
        if full in existing:
            sfn.update_state_machine(stateMachineArn=existing[full], definition=definition)
            arns[name] = existing[full]
        else:
            arns[name] = sfn.create_state_machine(name=full, definition=definition, roleArn=role)["stateMachineArn"]
    return {"queues": urls, "state_machines": arns}


def bootstrap(*, inventory: bool = True) -> tuple[str, str | None]:
    """First-start data: the system administrator and the simulated inventory."""
    from chalicelib.identity import accounts
    from chalicelib import targets
    acct, generated = accounts.ensure_admin()
    from chalicelib.surfaces.mobiledgex import identity as mx_identity
    mx_identity.ensure_admin_user(acct.username)  # the MobiledgeX AdminManager
    from chalicelib.surfaces.servicestage import iam as ss_iam
    ss_iam.ensure_project(acct, "default")  # the administrator's first IAM project
    if inventory:
        targets.load_inventory()
    return acct.username, generated
