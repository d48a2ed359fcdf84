"""Table definitions: the one source for local creation (moto) and for the infra template."""
from __future__ import annotations

from chalicelib.core.config import settings
from chalicelib.store.base import Entity


def create_all(wait: bool = False) -> None:
    if not Entity.exists():
        Entity.create_table(wait=wait, billing_mode="PAY_PER_REQUEST")
        Entity.update_ttl(ignore_update_ttl_errors=True)


def cloudformation() -> dict:
    """The AWS::DynamoDB::Table resource derived from the pynamodb model (used by infra/package.py)."""
    schema = Entity._get_schema()
    attrs = [dict(a) for a in schema["attribute_definitions"]]
    keys = [{"AttributeName": k["AttributeName"], "KeyType": k["KeyType"]} for k in schema["key_schema"]]
    gsis = []
    for idx in schema.get("global_secondary_indexes", []):
        gsis.append({
            "IndexName": idx["index_name"],
            "KeySchema": [{"AttributeName": k["AttributeName"], "KeyType": k["KeyType"]} for k in idx["key_schema"]],
            "Projection": {"ProjectionType": idx["projection"]["ProjectionType"]},
        })
    return {
        "Type": "AWS::DynamoDB::Table",
        "DeletionPolicy": "Retain",
        "UpdateReplacePolicy": "Retain",
        "Properties": {
            "TableName": settings().table_name,
            "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": attrs,
            "KeySchema": keys,
            "GlobalSecondaryIndexes": gsis,
            "TimeToLiveSpecification": {"AttributeName": "expires_at", "Enabled": True},
            "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
            "SSESpecification": {"SSEEnabled": True},
        },
    }
