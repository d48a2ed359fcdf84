"""AutoScalePolicy (#132-#135) and AutoProvPolicy (#126-#131)."""
from __future__ import annotations

from tests.api.mobiledgex.conftest import REGION, add_role, make_org, make_user, messages

FORBIDDEN = (403, {"message": "Forbidden"})


def scale(org, name="sp1", **extra):
    return {"key": {"organization": org, "name": name}, "min_nodes": 1, "max_nodes": 3, "target_cpu": 70, **extra}


def prov(org, name="ap1", **extra):
    return {"key": {"organization": org, "name": name}, "deploy_client_count": 2, **extra}


def call(caller, op, obj_name, obj):
    return caller.json(f"/auth/ctrl/{op}", {"Region": REGION, obj_name: obj})


def shown(caller, op, obj_name, obj=None):
    status, lines = caller.ctrl(op, obj_name, obj or {})
    assert status == 200, lines
    return [line["data"] for line in lines]


def test_auto_scale_policy_rules(developer):
    org = developer.org
    cases = [
        (scale(org, max_nodes=1), "Max nodes must be greater than Min nodes"),
        (scale(org, min_nodes=2, max_nodes=2), "Max nodes must be greater than Min nodes"),
        (scale(org, max_nodes=11), "Max nodes cannot exceed 10"),
        (scale(org, target_cpu=0), "One of target cpu or target mem or target active connections must be specified"),
        (scale(org, target_cpu=101), "Target cpu must be between 0 (disabled) and 100"),
        (scale(org, scale_up_cpu_thresh=80, scale_down_cpu_thresh=20),
         "Cannot specify both target and deprecated scale up/down cpu thresholds"),
        (scale(org, target_cpu=0, scale_up_cpu_thresh=20, scale_down_cpu_thresh=80),
         "Scale down cpu threshold must be less than scale up cpu threshold"),
        ({"key": {"organization": org, "name": ""}, "min_nodes": 1, "max_nodes": 2}, "Policy name cannot be empty"),
    ]
    for body, text in cases:
        assert call(developer, "CreateAutoScalePolicy", "AutoScalePolicy", body) == (400, {"message": text}), text
    assert developer.op("/auth/ctrl/ShowAutoScalePolicy", {"Region": REGION}).body in (b"", "")
    # the deprecated style alone is fine
    assert call(developer, "CreateAutoScalePolicy", "AutoScalePolicy",
                          scale(org, "legacy", target_cpu=0, scale_up_cpu_thresh=80, scale_down_cpu_thresh=20)) \
        == (200, {})


def test_auto_scale_policy_crud_and_visibility(developer, operator, mx_admin, mx):
    org = developer.org
    assert call(developer, "CreateAutoScalePolicy", "AutoScalePolicy", scale(org)) == (200, {})
    assert call(developer, "CreateAutoScalePolicy", "AutoScalePolicy", scale(org)) == \
        (400, {"message": f'Policy key {{"organization":"{org}","name":"sp1"}} already exists'})
    assert shown(developer, "ShowAutoScalePolicy", "AutoScalePolicy") == [
        {"key": {"organization": org, "name": "sp1"}, "min_nodes": 1, "max_nodes": 3, "target_cpu": 70}]
    # update exactly the keys present, with the same rules
    assert call(developer, "UpdateAutoScalePolicy", "AutoScalePolicy",
                          {"key": {"organization": org, "name": "sp1"}, "max_nodes": 5}) == (200, {})
    assert call(developer, "UpdateAutoScalePolicy", "AutoScalePolicy",
                          {"key": {"organization": org, "name": "sp1"}, "min_nodes": 5}) == \
        (400, {"message": "Max nodes must be greater than Min nodes"})
    data = shown(developer, "ShowAutoScalePolicy", "AutoScalePolicy")[0]
    assert (data["min_nodes"], data["max_nodes"], data["target_cpu"]) == (1, 5, 70)
    # others: no permission, nothing visible
    other = make_user(mx)
    other_org = "dev-other-sp"
    make_org(other, other_org, "developer")
    assert call(other, "CreateAutoScalePolicy", "AutoScalePolicy", scale(org, "x")) == FORBIDDEN
    assert other.op("/auth/ctrl/ShowAutoScalePolicy", {"Region": REGION}).body in (b"", "")
    assert operator.ctrl("ShowAutoScalePolicy", "AutoScalePolicy", {}) == FORBIDDEN
    assert call(operator, "CreateAutoScalePolicy", "AutoScalePolicy", scale(operator.org)) == FORBIDDEN
    # policies live in developer orgs only
    status, body = call(mx_admin, "CreateAutoScalePolicy", "AutoScalePolicy", scale(operator.org))
    assert status == 400 and "only allowed for orgs of type developer" in body["message"]
    assert [d["key"]["organization"] for d in shown(mx_admin, "ShowAutoScalePolicy", "AutoScalePolicy")] == [org]
    # a viewer may look but not change
    viewer = make_user(mx)
    add_role(developer, org, viewer.username, "DeveloperViewer")
    assert len(shown(viewer, "ShowAutoScalePolicy", "AutoScalePolicy")) == 1
    assert call(viewer, "DeleteAutoScalePolicy", "AutoScalePolicy", {"key": {"organization": org, "name": "sp1"}}) \
        == FORBIDDEN
    assert call(developer, "DeleteAutoScalePolicy", "AutoScalePolicy", {"key": {"organization": org, "name": "sp1"}}) \
        == (200, {})
    assert call(developer, "DeleteAutoScalePolicy", "AutoScalePolicy", {"key": {"organization": org, "name": "sp1"}}) \
        == (400, {"message": f'Policy key {{"organization":"{org}","name":"sp1"}} not found'})


def test_auto_prov_policy_rules_and_cloudlets(developer, operator, cloudlet):
    org = developer.org
    assert call(developer, "CreateAutoProvPolicy", "AutoProvPolicy", prov(org, deploy_client_count=0)) == \
        (400, {"message": "One of deploy client count and minimum active instances must be specified"})
    assert call(developer, "CreateAutoProvPolicy", "AutoProvPolicy",
                          prov(org, min_active_instances=3, max_instances=2)) == \
        (400, {"message": "Minimum active instances cannot be larger than Maximum Instances"})
    ghost = {"key": {"organization": operator.org, "name": "ghost"}}
    assert call(developer, "CreateAutoProvPolicy", "AutoProvPolicy", prov(org, cloudlets=[ghost])) == \
        (400, {"message": f'Cloudlet key {{"organization":"{operator.org}","name":"ghost"}} not found'})
    assert developer.op("/auth/ctrl/ShowAutoProvPolicy", {"Region": REGION}).body in (b"", "")
    assert call(developer, "CreateAutoProvPolicy", "AutoProvPolicy",
                          prov(org, cloudlets=[{"key": cloudlet}])) == (200, {})
    data = shown(developer, "ShowAutoProvPolicy", "AutoProvPolicy")[0]
    assert data["cloudlets"] == [{"key": cloudlet, "loc": {"latitude": 50.1, "longitude": 8.6}}]
    assert data["deploy_client_count"] == 2
    # the cloudlet is in use by the policy
    status, lines = operator.ctrl("DeleteCloudlet", "Cloudlet", {"key": cloudlet})
    assert status == 400 and lines["message"].startswith("Cloudlet in use by AutoProvPolicy")
    link = {"key": {"organization": org, "name": "ap1"}, "cloudlet_key": cloudlet}
    assert call(developer, "AddAutoProvPolicyCloudlet", "AutoProvPolicyCloudlet", link)[0] == 400
    assert call(developer, "RemoveAutoProvPolicyCloudlet", "AutoProvPolicyCloudlet", link) == (200, {})
    assert "cloudlets" not in shown(developer, "ShowAutoProvPolicy", "AutoProvPolicy")[0]
    assert call(developer, "RemoveAutoProvPolicyCloudlet", "AutoProvPolicyCloudlet", link)[0] == 400
    assert call(developer, "AddAutoProvPolicyCloudlet", "AutoProvPolicyCloudlet", link) == (200, {})
    assert shown(developer, "ShowAutoProvPolicy", "AutoProvPolicy")[0]["cloudlets"][0]["key"] == cloudlet
    assert call(operator, "AddAutoProvPolicyCloudlet", "AutoProvPolicyCloudlet", link) == FORBIDDEN
    # update: the cloudlets list is replaced, counts follow the keys present
    assert call(developer, "UpdateAutoProvPolicy", "AutoProvPolicy",
                          {"key": {"organization": org, "name": "ap1"}, "cloudlets": [], "max_instances": 4}) \
        == (200, {})
    data = shown(developer, "ShowAutoProvPolicy", "AutoProvPolicy")[0]
    assert "cloudlets" not in data and data["max_instances"] == 4 and data["deploy_client_count"] == 2
    status, lines = operator.ctrl("DeleteCloudlet", "Cloudlet", {"key": cloudlet})
    assert status == 200 and messages(lines)[-1] == "Deleted Cloudlet successfully"
    assert call(developer, "DeleteAutoProvPolicy", "AutoProvPolicy", {"key": {"organization": org, "name": "ap1"}}) \
        == (200, {})
    assert developer.op("/auth/ctrl/ShowAutoProvPolicy", {"Region": REGION}).body in (b"", "")


def test_policies_audited(developer):
    from chalicelib.store.models import AuditEvent
    assert call(developer, "CreateAutoScalePolicy", "AutoScalePolicy", scale(developer.org)) == (200, {})
    actions = {e.action for e in AuditEvent.scan() if e.surface == "mobiledgex"}
    assert "CreateAutoScalePolicy" in actions

