"""ote-stack Cluster Management and Node Management (9 endpoints) on the simulated inventory."""
from __future__ import annotations

from chalicelib import targets


class TestClusters:
    def test_list_clusters_from_the_inventory(self, make_business):
        _, member, _ = make_business()
        status, body = member.get("/v1/cluster")
        assert status == 200 and body["code"] == 200 and body["total"] == 3
        rows = {r["clusterName"]: r for r in body["data"]}
        assert rows["edge-beijing"] == {"clusterName": "edge-beijing", "nodeCount": 2, "isReady": True}
        assert [r["clusterName"] for r in member.get("/v1/cluster?clusterLabel=south")[1]["data"]] == \
            ["edge-guangzhou", "edge-shanghai"]
        assert member.get("/v1/cluster?clusterLabel=all")[1]["total"] == 3
        paged = member.get("/v1/cluster?page=2&pageSize=2")[1]
        assert paged["total"] == 3 and len(paged["data"]) == 1
        assert member.get("/v1/cluster?page=x")[0] == 422

    def test_cluster_labels_add_list_delete(self, make_business):
        admin, member, _ = make_business()
        body = {"clusterName": ["edge-beijing", "edge-shanghai"], "clusterLabel": "video-1"}
        assert member.post("/v1/cluster/label", body)[0] == 403
        assert admin.post("/v1/cluster/label", body)[0] == 200
        assert "video-1" in admin.get("/v1/cluster/label")[1]["data"]
        labels = admin.get("/v1/cluster/label/edge-beijing")[1]
        assert {x["clusterLabel"] for x in labels["data"]} == {"north", "video-1"} and labels["total"] == 2
        assert all(isinstance(x["createTime"], int) for x in labels["data"])
        assert [r["clusterName"] for r in admin.get("/v1/cluster?clusterLabel=video-1")[1]["data"]] == \
            ["edge-beijing", "edge-shanghai"]
        assert admin.delete("/v1/cluster/label", {"clusterName": ["edge-beijing"], "clusterLabel": "video-1"})[0] == 200
        assert [r["clusterName"] for r in admin.get("/v1/cluster?clusterLabel=video-1")[1]["data"]] == ["edge-shanghai"]
        admin.delete("/v1/cluster/label", {"clusterName": ["edge-shanghai"], "clusterLabel": "video-1"})
        assert "video-1" not in admin.get("/v1/cluster/label")[1]["data"]

    def test_cluster_label_errors_change_nothing(self, make_business):
        admin, _, _ = make_business()
        assert admin.post("/v1/cluster/label", {"clusterName": ["edge-beijing", "nope"], "clusterLabel": "x1"})[0] == 404
        assert "x1" not in targets.require_cluster("edge-beijing").labels
        assert admin.post("/v1/cluster/label", {"clusterName": ["edge-beijing"], "clusterLabel": "bad label!"})[0] == 422
        assert admin.post("/v1/cluster/label", {"clusterName": "edge-beijing", "clusterLabel": "x1"})[0] == 422
        assert admin.post("/v1/cluster/label", {"clusterName": [], "clusterLabel": "x1"})[0] == 422
        assert admin.delete("/v1/cluster/label", {"clusterName": ["edge-beijing"], "clusterLabel": "south"})[0] == 404
        assert admin.get("/v1/cluster/label/unknown")[0] == 404
        assert targets.require_cluster("edge-beijing").labels == ["north"]


class TestNodes:
    def test_list_nodes_with_filters_meta_and_projection(self, make_business):
        _, member, _ = make_business()
        status, body = member.get("/v1/node?pageSize=0")
        assert status == 200 and body["total"] == 5 and body["meta"] == {"readyNodeCount": 5}
        node = next(n for n in body["data"] if n["nodeName"] == "bj-node-1")
        assert node == {"nodeName": "bj-node-1", "clusterName": "edge-beijing", "operatingSystem": "linux",
                        "kernelVersion": "5.15.0-91-generic", "ip": "10.10.1.11", "memory": 16777216000, "cpu": 8,
                        "isReady": True, "gpu": 8589934592, "disk": 512000000000}
        assert member.get("/v1/node?clusterName=edge-guangzhou")[1]["total"] == 2
        assert [n["nodeName"] for n in member.get("/v1/node?nodeLabel=gpu")[1]["data"]] == ["bj-node-1"]
        assert member.get("/v1/node?nodeName=gz")[1]["total"] == 2
        assert member.get("/v1/node?field=nodeName,isReady&pageSize=1")[1]["data"] == \
            [{"nodeName": "bj-node-1", "isReady": True}]
        targets.set_ready("edge-guangzhou", False, "gz-node-2")
        assert member.get("/v1/node?pageSize=0")[1]["meta"]["readyNodeCount"] == 4

    def test_node_labels(self, make_business):
        admin, member, _ = make_business()
        body = {"nodeName": ["gz-node-1", "gz-node-2"], "nodeLabel": "camera", "clusterName": "edge-guangzhou"}
        assert member.post("/v1/node/label", body)[0] == 403
        assert admin.post("/v1/node/label", body)[0] == 200
        assert admin.get("/v1/node/label?clusterName=edge-guangzhou")[1]["data"] == ["camera"]
        assert set(admin.get("/v1/node/label")[1]["data"]) == {"camera", "gpu"}
        assert admin.get("/v1/node?nodeLabel=camera")[1]["total"] == 2
        assert admin.delete("/v1/node/label", {**body, "nodeName": ["gz-node-1"]})[0] == 200
        assert admin.get("/v1/node?nodeLabel=camera")[1]["total"] == 1
        assert admin.get("/v1/node/label?clusterName=nowhere")[0] == 404

    def test_node_label_errors_change_nothing(self, make_business):
        admin, _, _ = make_business()
        base = {"nodeName": ["gz-node-1", "ghost"], "nodeLabel": "camera", "clusterName": "edge-guangzhou"}
        assert admin.post("/v1/node/label", base)[0] == 404
        assert targets.get_node("edge-guangzhou", "gz-node-1").labels == []
        assert admin.post("/v1/node/label", {**base, "clusterName": "nowhere"})[0] == 404
        assert admin.post("/v1/node/label", {**base, "nodeLabel": "a b"})[0] == 422
        assert admin.delete("/v1/node/label", {**base, "nodeName": ["gz-node-1"]})[0] == 404
        assert admin.delete("/v1/node/label", {**base, "nodeName": ["gz-node-1"], "deleteDeploy": "yes"})[0] == 422
