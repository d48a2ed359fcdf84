"""Networks: progress-stream answers, validation, the cloudlet reference both ways."""
from __future__ import annotations

from chalicelib.store.mobiledgex import MxRef
from chalicelib.surfaces.mobiledgex import regional
from chalicelib.surfaces.mobiledgex.kinds import CLUSTER_INST, NETWORK
from tests.api.mobiledgex.conftest import REGION, messages


def _net(cloudlet: dict, name: str = "net1", **extra) -> dict:
    return {"key": {"cloudlet_key": cloudlet, "name": name}, "connection_type": "ConnectToAll",
            "routes": [{"destination_cidr": "10.20.0.0/16", "next_hop_ip": "10.0.0.1"}], **extra}


def _show(caller, filt=None):
    status, lines = caller.ctrl("ShowNetwork", "Network", filt or {})
    assert status == 200
    return [line["data"] for line in lines]


def test_network_create_show_update_delete(operator, cloudlet, developer):
    status, lines = operator.ctrl("CreateNetwork", "Network", _net(cloudlet))
    assert (status, messages(lines)) == (200, ["Created Network successfully"])
    assert _show(operator) == [_net(cloudlet)]
    status, body = operator.ctrl("CreateNetwork", "Network", _net(cloudlet))
    assert (status, body) == (400, {"message": 'Network key {"cloudlet_key":{"organization":"%s","name":"cloudlet1"},'
                                               '"name":"net1"} already exists' % operator.org})
    # update exactly the keys present
    status, lines = operator.ctrl("UpdateNetwork", "Network", {"key": _net(cloudlet)["key"],
                                                               "connection_type": "ConnectToLoadBalancer"})
    assert (status, messages(lines)) == (200, ["Updated Network successfully"])
    assert _show(operator) == [{**_net(cloudlet), "connection_type": "ConnectToLoadBalancer"}]
    status, body = operator.ctrl("UpdateNetwork", "Network", {"key": _net(cloudlet)["key"],
                                                              "routes": [{"destination_cidr": "x"}]})
    assert (status, body) == (400, {"message": "Invalid route destination cidr"})
    assert _show(operator)[0]["routes"] == _net(cloudlet)["routes"]
    # developers see no operator networks and cannot change them
    assert _show(developer) == []
    assert developer.ctrl("DeleteNetwork", "Network", _net(cloudlet))[0] == 403
    # the cloudlet is in use by the network
    status, body = operator.ctrl("DeleteCloudlet", "Cloudlet", {"key": cloudlet})
    assert (status, body) == (400, {"message": 'Cloudlet in use by Network {"cloudlet_key":{"organization":"%s",'
                                               '"name":"cloudlet1"},"name":"net1"}' % operator.org})
    status, lines = operator.ctrl("DeleteNetwork", "Network", {"key": _net(cloudlet)["key"]})
    assert (status, messages(lines)) == (200, ["Deleted Network successfully"])
    assert _show(operator) == []
    status, lines = operator.ctrl("DeleteCloudlet", "Cloudlet", {"key": cloudlet})
    assert status == 200 and messages(lines)[-1] == "Deleted Cloudlet successfully"


def test_network_validation(operator, cloudlet):
    def create(body):
        return operator.ctrl("CreateNetwork", "Network", body)
    assert create(_net(cloudlet, "bad/name")) == (400, {"message": "Invalid network name"})
    assert create(_net(cloudlet, connection_type="Undefined")) == (400, {"message": "Invalid connection type"})
    assert create(_net(cloudlet, routes=[{"destination_cidr": "10.0.0.0/8", "next_hop_ip": "x"}])) == \
        (400, {"message": "Invalid next hop"})
    assert create(_net(cloudlet, delete_prepare=True)) == \
        (400, {"message": "Invalid field specified: DeletePrepare, this field is only for internal use"})
    missing = {"organization": operator.org, "name": "nowhere"}
    assert create(_net(missing)) == \
        (400, {"message": 'Cloudlet key {"organization":"%s","name":"nowhere"} not found' % operator.org})
    assert _show(operator) == []


def test_network_used_by_cluster_inst_is_frozen(operator, cloudlet):
    """ClusterInsts claim their networks (their service); a claimed network cannot change or go."""
    assert operator.ctrl("CreateNetwork", "Network", _net(cloudlet))[0] == 200
    item = regional.get(NETWORK, REGION, _net(cloudlet)["key"])
    ref = MxRef(f"MXREF#{REGION}#Network#{item.key_str}", "ClusterInst#ci1", src_kind=CLUSTER_INST.name,
                src_key="ci1", src_text='ClusterInst {"cluster_key":{"name":"c1"}}')
    ref.save()
    status, body = operator.ctrl("UpdateNetwork", "Network", {"key": _net(cloudlet)["key"], "routes": []})
    assert (status, body) == (400, {"message": "Network cannot be modified while associated with a Cluster Instance"})
    status, body = operator.ctrl("DeleteNetwork", "Network", {"key": _net(cloudlet)["key"]})
    assert (status, body) == (400, {"message": 'Network in use by ClusterInst {"cluster_key":{"name":"c1"}}'})
    assert len(_show(operator)) == 1
