"""Cloudlet pools: members of the pool's org only, membership kept on the cloudlets, in-use checks."""
from __future__ import annotations

from chalicelib.store import base as store
from chalicelib.store.mobiledgex import MxObj
from chalicelib.surfaces.mobiledgex import regional, service_cloudlets, service_pools
from chalicelib.surfaces.mobiledgex.kinds import CLOUDLET
from tests.api.mobiledgex.conftest import REGION, cloudlet_body, messages


def _cloudlet_item(org: str, name: str) -> MxObj:
    return regional.get(CLOUDLET, REGION, {"organization": org, "name": name})


def _pools_of(org: str, name: str) -> list[str]:
    return (_cloudlet_item(org, name).extra or {}).get("pools")


def _make_cloudlet(caller, name: str) -> None:
    status, lines = caller.ctrl("CreateCloudlet", "Cloudlet", cloudlet_body(caller.org, name))
    assert status == 200 and messages(lines)[-1] == "Created Cloudlet successfully", lines


def test_pool_create_show_and_membership_on_cloudlets(operator, cloudlet, developer):
    pool = {"key": {"organization": operator.org, "name": "pool1"},
            "cloudlets": [{"name": "cloudlet1"}]}  # the organization is forced to the pool's
    assert operator.json("/auth/ctrl/CreateCloudletPool", {"Region": REGION, "CloudletPool": pool}) == (200, {})
    status, lines = operator.ctrl("ShowCloudletPool", "CloudletPool", {})
    assert status == 200 and len(lines) == 1
    shown = lines[0]["data"]
    assert shown["key"] == {"organization": operator.org, "name": "pool1"}
    assert shown["cloudlets"] == [{"organization": operator.org, "name": "cloudlet1"}]
    assert shown["created_at"] and shown["updated_at"]
    assert _pools_of(operator.org, "cloudlet1") == ["pool1"]
    # the pooled cloudlet is no longer public: developers do not see it, nor may they use it
    status, lines = developer.ctrl("ShowCloudlet", "Cloudlet", {})
    assert (status, lines) == (200, [])
    import pytest
    from chalicelib.core.errors import BadRequest
    with pytest.raises(BadRequest, match="not usable by organization"):
        service_cloudlets.usable_by(REGION, cloudlet, developer.org)
    # duplicates
    assert operator.json("/auth/ctrl/CreateCloudletPool", {"Region": REGION, "CloudletPool": pool}) == \
        (400, {"message": f'CloudletPool key {{"organization":"{operator.org}","name":"pool1"}} already exists'})
    # the cloudlet cannot be deleted while pooled
    status, body = operator.ctrl("DeleteCloudlet", "Cloudlet", {"key": cloudlet})
    assert status == 400
    assert body == {"message": f'Cloudlet in use by CloudletPool {{"organization":"{operator.org}","name":"pool1"}}'}
    # operators see the pool's cloudlets (for ClusterInst/AppInst shows)
    assert service_pools.pool_cloudlets(REGION, [operator.org]) == [
        f'{{"organization":"{operator.org}","name":"cloudlet1"}}']
    # developers hold no cloudletpools permission
    assert developer.json("/auth/ctrl/ShowCloudletPool", {"Region": REGION, "CloudletPool": {}}) == \
        (403, {"message": "Forbidden"})


def test_pool_create_validation(operator, cloudlet, developer, mx_admin):
    def create(body):
        return operator.json("/auth/ctrl/CreateCloudletPool", {"Region": REGION, "CloudletPool": body})
    key = {"organization": operator.org, "name": "p1"}
    assert create({"key": {"organization": operator.org, "name": "bad/name"}}) == \
        (400, {"message": "Invalid cloudlet pool name"})
    assert create({"key": key, "cloudlets": [{"name": "nope"}, {"name": "gone"}]}) == \
        (400, {"message": f'Cloudlets {{"organization":"{operator.org}","name":"nope"}}, '
                          f'{{"organization":"{operator.org}","name":"gone"}} not found'})
    assert create({"key": key, "cloudlets": [{"name": "bad/x"}]}) == (400, {"message": 'Invalid Cloudlet name "bad/x"'})
    assert create({"key": key, "created_at": "2020-01-01T00:00:00Z"}) == \
        (400, {"message": "Invalid field specified: CreatedAt.Seconds, this field is only for internal use"})
    # permission: a developer cannot create pools in an operator org, nor may anybody in a developer org
    assert developer.json("/auth/ctrl/CreateCloudletPool", {"Region": REGION, "CloudletPool": {"key": key}}) == \
        (403, {"message": "Forbidden"})
    assert mx_admin.json("/auth/ctrl/CreateCloudletPool", {"Region": REGION, "CloudletPool": {
        "key": {"organization": developer.org, "name": "p"}}}) == \
        (400, {"message": f"Operation for org {developer.org} only allowed for orgs of type operator"})
    # nothing was written
    assert operator.ctrl("ShowCloudletPool", "CloudletPool", {}) == (200, [])
    assert _pools_of(operator.org, "cloudlet1") == []


def test_pool_members_add_remove_update_delete(operator, cloudlet):
    _make_cloudlet(operator, "cloudlet2")
    key = {"organization": operator.org, "name": "pool1"}
    assert operator.json("/auth/ctrl/CreateCloudletPool", {"Region": REGION, "CloudletPool": {"key": key}}) == \
        (200, {})
    member = {"key": key, "cloudlet": {"name": "cloudlet1"}}

    def call(op, body, obj="CloudletPoolMember"):
        return operator.json(f"/auth/ctrl/{op}", {"Region": REGION, obj: body})
    assert call("AddCloudletPoolMember", member) == (200, {})
    assert call("AddCloudletPoolMember", member) == (400, {"message": "Cloudlet already part of pool"})
    assert call("AddCloudletPoolMember", {"key": key, "cloudlet": {"name": "nope"}}) == \
        (400, {"message": f'Cloudlets {{"organization":"{operator.org}","name":"nope"}} not found'})
    assert call("AddCloudletPoolMember", {"key": {**key, "name": "other"}, "cloudlet": {"name": "cloudlet1"}}) == \
        (400, {"message": f'CloudletPool key {{"organization":"{operator.org}","name":"other"}} not found'})
    assert call("AddCloudletPoolMember", {"key": key, "cloudlet": {}}) == (400, {"message": "Invalid Cloudlet name"})
    assert _pools_of(operator.org, "cloudlet1") == ["pool1"]
    # a second pool with the same cloudlet: both names on the cloudlet
    key2 = {"organization": operator.org, "name": "pool0"}
    assert call("CreateCloudletPool", {"key": key2, "cloudlets": [{"name": "cloudlet1"}, {"name": "cloudlet2"}]},
                "CloudletPool") == (200, {})
    assert _pools_of(operator.org, "cloudlet1") == ["pool0", "pool1"]
    assert _pools_of(operator.org, "cloudlet2") == ["pool0"]
    # update replaces the list
    assert call("UpdateCloudletPool", {"key": key2, "cloudlets": [{"name": "cloudlet2"}]}, "CloudletPool") == (200, {})
    status, lines = operator.ctrl("ShowCloudletPool", "CloudletPool", {"key": key2})
    assert [line["data"]["cloudlets"] for line in lines] == [[{"organization": operator.org, "name": "cloudlet2"}]]
    assert _pools_of(operator.org, "cloudlet1") == ["pool1"]
    assert _pools_of(operator.org, "cloudlet2") == ["pool0"]
    # remove: a non-member is no change
    assert call("RemoveCloudletPoolMember", {"key": key, "cloudlet": {"name": "cloudlet2"}}) == (200, {})
    assert call("RemoveCloudletPoolMember", member) == (200, {})
    assert _pools_of(operator.org, "cloudlet1") == []
    status, lines = operator.ctrl("ShowCloudletPool", "CloudletPool", {"key": key})
    assert "cloudlets" not in lines[0]["data"]
    # cloudlet1 is free again: it can be deleted; cloudlet2 only after its pool is gone
    status, lines = operator.ctrl("DeleteCloudlet", "Cloudlet", {"key": cloudlet})
    assert status == 200 and messages(lines)[-1] == "Deleted Cloudlet successfully"
    assert call("DeleteCloudletPool", {"key": key2}, "CloudletPool") == (200, {})
    assert _pools_of(operator.org, "cloudlet2") == []
    assert call("DeleteCloudletPool", {"key": key2}, "CloudletPool") == \
        (400, {"message": f'CloudletPool key {{"organization":"{operator.org}","name":"pool0"}} not found'})
    status, lines = operator.ctrl("DeleteCloudlet", "Cloudlet", {"key": {"organization": operator.org,
                                                                          "name": "cloudlet2"}})
    assert status == 200 and messages(lines)[-1] == "Deleted Cloudlet successfully"
    assert [line["data"]["key"]["name"] for line in operator.ctrl("ShowCloudletPool", "CloudletPool", {})[1]] == \
        ["pool1"]


def test_pool_write_is_one_transaction(operator, cloudlet, monkeypatch):
    """A pool write that cannot update its cloudlet (changed concurrently) changes nothing."""
    key = {"organization": operator.org, "name": "pool1"}
    real = regional.get

    def stale_get(kind, region, k):
        item = real(kind, region, k)
        if item is not None and kind is CLOUDLET:
            fresh = real(kind, region, k)
            store.save(fresh)  # somebody else writes the cloudlet meanwhile: the read copy is stale
        return item
    monkeypatch.setattr(regional, "get", stale_get)
    status, body = operator.json("/auth/ctrl/CreateCloudletPool", {"Region": REGION, "CloudletPool": {
        "key": key, "cloudlets": [{"name": "cloudlet1"}]}})
    monkeypatch.setattr(regional, "get", real)
    assert status == 400 and "retry" in body["message"]
    assert operator.ctrl("ShowCloudletPool", "CloudletPool", {}) == (200, [])
    assert _pools_of(operator.org, "cloudlet1") == []
    assert regional.in_use(CLOUDLET, REGION, _cloudlet_item(operator.org, "cloudlet1").key_str) is None


def test_pool_refuses_cloudlet_with_foreign_instances(operator, cloudlet, developer, monkeypatch):
    monkeypatch.setattr(service_cloudlets, "orgs_on_cloudlet", lambda region, key: [developer.org, "edgecloudorg"])
    key = {"organization": operator.org, "name": "pool1"}
    status, body = operator.json("/auth/ctrl/CreateCloudletPool", {"Region": REGION, "CloudletPool": {
        "key": key, "cloudlets": [{"name": "cloudlet1"}]}})
    assert status == 400
    assert body["message"] == (
        f"Cannot add cloudlet cloudlet1 to CloudletPool because it has AppInsts/ClusterInsts from developer "
        f"{developer.org}, which are not authorized to deploy to the CloudletPool. To include them as part of the "
        "pool, first create an empty pool, invite the developer to the pool, then add the cloudlet to the pool.")
    assert operator.ctrl("ShowCloudletPool", "CloudletPool", {}) == (200, [])


def test_cloudlet_being_deleted_cannot_join(operator, cloudlet):
    item = _cloudlet_item(operator.org, "cloudlet1")
    item.data = {**item.data, "state": "Deleting"}
    store.save(item)
    key = {"organization": operator.org, "name": "pool1"}
    assert operator.json("/auth/ctrl/CreateCloudletPool", {"Region": REGION, "CloudletPool": {
        "key": key, "cloudlets": [{"name": "cloudlet1"}]}}) == \
        (400, {"message": f'Cloudlet {{"organization":"{operator.org}","name":"cloudlet1"}} is being deleted'})
    status, body = operator.ctrl("CreateNetwork", "Network", {"key": {"cloudlet_key": cloudlet, "name": "n"},
                                                              "connection_type": "ConnectToAll"})
    assert (status, body) == (400, {"message": f'Cloudlet {{"organization":"{operator.org}","name":"cloudlet1"}} '
                                               'is being deleted'})
    assert _pools_of(operator.org, "cloudlet1") == []
