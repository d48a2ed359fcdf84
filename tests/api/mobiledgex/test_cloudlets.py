"""Cloudlet operations beyond create/show/delete: update, alliance orgs, resource maps, access keys, the
platform queries (flavor match, props, quotas, usage, features) and the orgs on a cloudlet."""
from __future__ import annotations

from cryptography.hazmat.primitives import serialization

from chalicelib.surfaces.mobiledgex import regional
from chalicelib.surfaces.mobiledgex.kinds import CLOUDLET
from tests.api.mobiledgex.conftest import REGION, cloudlet_body, make_org, messages


def call(caller, op, obj_name, obj):
    return caller.json(f"/auth/ctrl/{op}", {"Region": REGION, obj_name: obj})


def shown(caller, key):
    status, lines = caller.ctrl("ShowCloudlet", "Cloudlet", {"key": key})
    assert status == 200 and len(lines) == 1, lines
    return lines[0]["data"]


def test_update_changes_exactly_the_present_keys(operator, cloudlet):
    before = shown(operator, cloudlet)
    status, lines = operator.ctrl("UpdateCloudlet", "Cloudlet", {
        "key": cloudlet, "location": {"latitude": 10.5}, "env_var": {"A": "1"}, "num_dynamic_ips": 3})
    assert status == 200 and messages(lines) == ["Updating Cloudlet", "Cloudlet updated successfully"]
    after = shown(operator, cloudlet)
    assert after["location"] == {"latitude": 10.5, "longitude": 8.6}
    assert after["env_var"] == {"A": "1"} and after["num_dynamic_ips"] == 3 and after["state"] == "Ready"
    assert after["platform_type"] == before["platform_type"] and after["created_at"] == before["created_at"]
    assert after["updated_at"] >= before["updated_at"]


def test_update_refusals_change_nothing(operator, cloudlet, developer):
    before = shown(operator, cloudlet)
    cases = [
        ({"state": "Ready"}, "Invalid field specified: State, this field is only for internal use"),
        ({"platform_type": "Openstack"},
         "Invalid field specified: PlatformType, this field is only for internal use"),
        ({"created_at": "2020-01-01"},
         "Invalid field specified: CreatedAt.Seconds, this field is only for internal use"),
        ({"ip_support": "Dynamic", "location": {"course": 1.5}},
         "Specified field(s) Location Course cannot be modified"),
        ({"num_dynamic_ips": 0}, "Cannot specify less than one dynamic IP unless Ip Support Static is specified"),
        ({"location": {"latitude": 100}}, "Invalid latitude value"),
        ({"maintenance_state": "FailoverDone"},
         "Invalid maintenance state, only normal operation and maintenance start states are allowed"),
        ({"single_kubernetes_cluster_owner": "x"}, "Changing the single kubernetes cluster owner is not supported yet"),
        ({"kafka_user": "u"}, "Must specify both kafka username and password, or neither"),
        ({"alliance_orgs": [operator.org]}, f'Cannot add cloudlet\'s own org "{operator.org}" as alliance org'),
        ({"alliance_orgs": ["ghost-org"]}, "Alliance org ghost-org not found"),
        ({"default_resource_alert_threshold": 101},
         "Invalid resource alert threshold 101 specified, valid threshold is in the range of 0 to 100"),
    ]
    for extra, text in cases:
        assert operator.ctrl("UpdateCloudlet", "Cloudlet", {"key": cloudlet, **extra}) == (400, {"message": text}), text
    missing = {"organization": operator.org, "name": "nowhere"}
    assert operator.ctrl("UpdateCloudlet", "Cloudlet", {"key": missing, "num_dynamic_ips": 2}) == \
        (400, {"message": f'Cloudlet key {{"organization":"{operator.org}","name":"nowhere"}} not found'})
    assert developer.ctrl("UpdateCloudlet", "Cloudlet", {"key": cloudlet, "num_dynamic_ips": 2}) == \
        (403, {"message": "Forbidden"})
    assert shown(operator, cloudlet) == before


def test_update_maintenance_and_secrets(operator, cloudlet):
    status, lines = operator.ctrl("UpdateCloudlet", "Cloudlet", {"key": cloudlet,
                                                                 "maintenance_state": "MaintenanceStart"})
    assert status == 200 and messages(lines) == ["Starting AutoProv failover", "AutoProv failover completed",
                                                 "Starting CRM maintenance", "CRM maintenance started",
                                                 "Cloudlet is in maintenance"]
    assert shown(operator, cloudlet)["maintenance_state"] == "UnderMaintenance"
    assert operator.ctrl("UpdateCloudlet", "Cloudlet", {"key": cloudlet, "maintenance_state": 5}) == \
        (400, {"message": "Cloudlet must be in NormalOperation before starting maintenance"})
    status, lines = operator.ctrl("UpdateCloudlet", "Cloudlet", {"key": cloudlet, "maintenance_state": 0})
    assert messages(lines) == ["Cloudlet is back to normal operation"]
    assert shown(operator, cloudlet)["maintenance_state"] == "NormalOperation"
    # infra credentials and kafka secrets are kept but never shown
    status, lines = operator.ctrl("UpdateCloudlet", "Cloudlet", {
        "key": cloudlet, "access_vars": {"OS_PASSWORD": "s3cret"}, "kafka_cluster": "kafka:9092",
        "kafka_user": "u", "kafka_password": "p4ss"})
    assert status == 200, lines
    data = shown(operator, cloudlet)
    assert data["kafka_cluster"] == "kafka:9092"
    assert "access_vars" not in data and "kafka_password" not in data and "kafka_user" not in data
    item = regional.get(CLOUDLET, REGION, cloudlet)
    assert item.extra["sealed"] == {"access_vars": {"OS_PASSWORD": "s3cret"}, "kafka_user": "u",
                                    "kafka_password": "p4ss"}


def test_create_refuses_output_only_fields(operator):
    status, body = operator.ctrl("CreateCloudlet", "Cloudlet", cloudlet_body(operator.org, "c9", state="Ready"))
    assert (status, body) == (400, {"message": "Invalid field specified: State, this field is only for internal use"})
    assert operator.ctrl("ShowCloudlet", "Cloudlet", {}) == (200, [])


def test_alliance_orgs(operator, cloudlet, developer, mx):
    ally = make_org(operator, "allyop1", "operator")
    assert call(operator, "AddCloudletAllianceOrg", "CloudletAllianceOrg", {"key": cloudlet, "organization": ally}) \
        == (200, {})
    assert shown(operator, cloudlet)["alliance_orgs"] == [ally]
    assert call(operator, "AddCloudletAllianceOrg", "CloudletAllianceOrg", {"key": cloudlet, "organization": ally}) \
        == (400, {"message": f'Duplicate alliance org "{ally}" specified'})
    assert call(operator, "AddCloudletAllianceOrg", "CloudletAllianceOrg", {"key": cloudlet,
                                                                            "organization": developer.org}) == \
        (400, {"message": f"Operation for alliance org {developer.org} only allowed for orgs of type operator"})
    assert call(operator, "AddCloudletAllianceOrg", "CloudletAllianceOrg", {"key": cloudlet}) == \
        (400, {"message": "No alliance organization specified"})
    assert call(developer, "AddCloudletAllianceOrg", "CloudletAllianceOrg", {"key": cloudlet,
                                                                             "organization": ally}) == \
        (403, {"message": "Forbidden"})
    assert call(operator, "RemoveCloudletAllianceOrg", "CloudletAllianceOrg", {"key": cloudlet,
                                                                               "organization": ally}) == (200, {})
    assert shown(operator, cloudlet)["alliance_orgs"] == []


def test_res_mapping(operator, cloudlet):
    assert call(operator, "AddCloudletResMapping", "CloudletResMap", {"key": cloudlet, "mapping": {"GPU": "gputags"}}) \
        == (200, {})
    assert shown(operator, cloudlet)["res_tag_map"] == {"gpu": {"name": "gputags", "organization": operator.org}}
    assert call(operator, "AddCloudletResMapping", "CloudletResMap", {"key": cloudlet, "mapping": {"disk": "t"}}) == \
        (400, {"message": "Invalid resource name disk found, must be one of [gpu nas nic] "})
    assert call(operator, "RemoveCloudletResMapping", "CloudletResMap", {"key": cloudlet, "mapping": {"gpu": ""}}) \
        == (200, {})
    assert shown(operator, cloudlet)["res_tag_map"] == {}


def test_access_keys_and_manifest(operator, cloudlet, developer):
    status, body = call(operator, "GenerateAccessKey", "CloudletKey", cloudlet)
    assert status == 200 and body["message"].startswith("-----BEGIN PRIVATE KEY-----")
    private = serialization.load_pem_private_key(body["message"].encode(), password=None)
    public_pem = private.public_key().public_bytes(serialization.Encoding.PEM,
                                                   serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    data = shown(operator, cloudlet)
    assert data["crm_access_public_key"] == public_pem  # only the public half is kept
    assert "PRIVATE" not in str(regional.get(CLOUDLET, REGION, cloudlet).attribute_values)
    assert call(operator, "GetCloudletManifest", "CloudletKey", cloudlet) == (400, {"message": (
        "Cloudlet has access key registered, please revoke the current access key first so a new one can be "
        "generated for the manifest")})
    assert call(developer, "RevokeAccessKey", "CloudletKey", cloudlet) == (403, {"message": "Forbidden"})
    assert call(operator, "RevokeAccessKey", "CloudletKey", cloudlet) == (200, {})
    assert "crm_access_public_key" not in shown(operator, cloudlet)
    status, body = call(operator, "GetCloudletManifest", "CloudletKey", cloudlet)
    assert status == 200 and body["manifest"].startswith("fake manifest\n-----BEGIN PRIVATE KEY-----")
    data = shown(operator, cloudlet)
    assert data["crm_access_public_key"].startswith("-----BEGIN PUBLIC KEY-----")
    assert data["crm_access_key_upgrade_required"] is True
    missing = {"organization": operator.org, "name": "nowhere"}
    assert call(operator, "GenerateAccessKey", "CloudletKey", missing) == \
        (400, {"message": f'Cloudlet key {{"organization":"{operator.org}","name":"nowhere"}} not found'})
    assert call(operator, "GetCloudletGPUDriverLicenseConfig", "CloudletKey", cloudlet) == \
        (400, {"message": "Cloudlet is not associated with any GPU driver"})


def test_flavor_match_and_flavors_for_cloudlet(operator, cloudlet, flavor, mx_admin, developer):
    assert call(mx_admin, "CreateFlavor", "Flavor", {"key": {"name": "huge"}, "ram": 999999, "vcpus": 64,
                                                     "disk": 10})[0] == 200
    assert call(operator, "FindFlavorMatch", "FlavorMatch", {"key": cloudlet, "flavor_name": flavor}) == \
        (200, {"key": cloudlet, "flavor_name": "x1.tiny"})
    assert call(operator, "FindFlavorMatch", "FlavorMatch", {"key": cloudlet, "flavor_name": "huge"}) == \
        (400, {"message": "No suitable platform flavor found for huge, please try a smaller flavor"})
    status, lines = operator.ctrl("ShowFlavorsForCloudlet", "CloudletKey", cloudlet)
    assert lines == [{"data": {"name": flavor}}]
    # a developer may list them for a public cloudlet
    status, lines = developer.ctrl("ShowFlavorsForCloudlet", "CloudletKey", cloudlet)
    assert lines == [{"data": {"name": flavor}}]
    assert call(developer, "FindFlavorMatch", "FlavorMatch", {"key": cloudlet, "flavor_name": flavor}) == \
        (403, {"message": "Forbidden"})


def test_platform_queries(operator, cloudlet, developer, mx_admin):
    status, body = call(operator, "GetCloudletProps", "CloudletProps", {"organization": operator.org,
                                                                        "platform_type": "Fake"})
    assert status == 200 and body["properties"]["PROP_1"] == {"name": "Property 1", "description": "First Property",
                                                              "secret": True, "mandatory": True}
    assert call(developer, "GetCloudletProps", "CloudletProps", {"organization": developer.org}) == \
        (403, {"message": "Forbidden"})
    status, body = call(operator, "GetCloudletResourceQuotaProps", "CloudletResourceQuotaProps",
                        {"organization": operator.org})
    assert [p["name"] for p in body["properties"]] == ["RAM", "vCPUs", "Disk", "GPUs", "External IPs", "Instances"]
    status, lines = developer.ctrl("ShowCloudletPlatformFeatures", "PlatformFeatures", {})
    assert status == 200 and [line["data"]["platform_type"] for line in lines] == ["Fake"]
    assert lines[0]["data"]["is_fake"] is True and lines[0]["data"]["supports_trust_policy"] is True
    status, lines = developer.ctrl("ShowCloudletPlatformFeatures", "PlatformFeatures", {"platform_type": "Openstack"})
    assert [line["data"]["platform_type"] for line in lines] == ["Openstack"] and "is_fake" not in lines[0]["data"]


def test_usage_and_orgs_on_cloudlet(operator, cloudlet, flavor, developer):
    status, body = call(operator, "GetCloudletResourceUsage", "CloudletResourceUsage", {"key": cloudlet})
    assert status == 200 and body["key"] == cloudlet
    assert body["info"][0] == {"name": "RAM", "value": 0, "infra_max_value": 40960, "units": "MB"}
    assert call(operator, "GetOrganizationsOnCloudlet", "CloudletKey", cloudlet) == (200, None)
    status, lines = developer.ctrl("CreateClusterInst", "ClusterInst", {
        "key": {"cluster_key": {"name": "c1", "organization": developer.org}, "cloudlet_key": cloudlet},
        "flavor": {"name": flavor}, "num_nodes": 2})
    assert status == 200 and messages(lines)[-1] == "Created ClusterInst successfully", lines
    status, lines = operator.ctrl("GetOrganizationsOnCloudlet", "CloudletKey", cloudlet)
    assert lines == [{"data": {"name": developer.org}}]
    status, body = call(operator, "GetCloudletResourceUsage", "CloudletResourceUsage", {"key": cloudlet})
    usage = {row["name"]: row["value"] for row in body["info"]}
    assert usage["RAM"] == 1024 * 3 and usage["vCPUs"] == 3  # one master and two nodes of x1.small
    assert call(developer, "GetOrganizationsOnCloudlet", "CloudletKey", cloudlet) == (403, {"message": "Forbidden"})
    assert call(operator, "GetCloudletResourceUsage", "CloudletResourceUsage", {
        "key": {"organization": operator.org, "name": "nowhere"}}) == (400, {"message": "Specified Cloudlet not found"})


def test_workers_module_alone_knows_every_operation_and_reference_rule():
    """The event functions load only ``workers``: deletes finalized there must release the right references."""
    import subprocess
    import sys
    code = ("import chalicelib.surfaces.mobiledgex.workers\n"
            "from chalicelib.surfaces.mobiledgex import lifecycle, regional\n"
            "print(sorted(lifecycle._OPS)); print(sorted(regional._REFS))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    ops, refs = out.splitlines()
    for op in ("Cloudlet.update", "ClusterInst.delete", "AppInst.delete"):
        assert op in ops
    for kind in ("Cloudlet", "CloudletPool", "Network", "ClusterInst", "AppInst"):
        assert f"'{kind}'" in refs
