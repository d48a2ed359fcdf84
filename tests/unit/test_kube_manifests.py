"""The Kubernetes manifest renderers: every manifest validates offline (strict schemas); bad input is a ValueError."""
from __future__ import annotations

import copy

import pytest

kubernetes_validate = pytest.importorskip("kubernetes_validate")

from chalicelib.targets import kube  # noqa: E402

VERSIONS = ["1.30", "1.37"]
LABELS = kube.labels_for("order-service", "d-0001")


def valid(manifest: dict) -> dict:
    for v in VERSIONS:
        kubernetes_validate.validate(copy.deepcopy(manifest), v, strict=True)
    return manifest


def probe(mode: str, **extra) -> dict:
    p = {"enabled": True, "mode": mode, "initialDelaySeconds": 5, "periodSeconds": 10, "successThreshold": 1,
         "failureThreshold": 3, "timeoutSeconds": 2}
    if mode == "EXEC":
        p["exec"] = {"command": ["cat", "/tmp/healthy"]}
    elif mode == "HTTP_GET":
        p["httpGet"] = {"host": "", "path": "/actuator/health", "port": 8080, "scheme": "HTTPS",
                        "headerList": [{"name": "X-Probe", "value": "1"}]}
    else:
        p["tcpSocket"] = {"host": "127.0.0.1", "port": 8080}
    p.update(extra)
    return p


def full_spec(**over) -> dict:
    spec = {
        "name": "order-service", "namespace": "team-a", "labels": LABELS, "image": "registry.local/a/order:1.0.3",
        "replicas": 3, "containerName": "app",
        "env": [{"name": "SPRING_PROFILES_ACTIVE", "value": "prod"}, {"name": "JAVA_OPTS", "value": None}],
        "command": "java -jar '/app/order service.jar'", "args": ["--server.port=8080", 7],
        "resources": {"cpuLimit": 500, "cpuRequest": 2000, "memoryLimit": 512, "memoryRequest": 256},
        "liveness": probe("HTTP_GET"), "readiness": probe("TCP_SOCKET", successThreshold=2),
        "configMounts": [
            {"configMap": "order-config", "mountPath": "/etc/order"},
            {"configMap": "shared.conf", "mountPath": "/opt/conf",
             "items": [{"key": "application.yml", "path": "application.yml"},
                       {"key": "logback.xml", "path": "/opt/log/logback.xml"}, {"key": "extra.properties"}]},
        ],
        "maxSurge": 1, "maxUnavailable": 0,
        "annotations": {"msap.edgeplane/change-order": "co-1"},
        "logConfig": {"logType": "applog", "logDir": "/app/logs"},
        "gray": {"grayType": "PERCENT", "percent": [{"rate": 10, "tag": "gray"}]},
    }
    spec.update(over)
    return spec


class TestDeployment:
    def test_full_spec_renders_a_valid_deployment(self):
        m = valid(kube.render_deployment(full_spec()))
        assert (m["apiVersion"], m["kind"]) == ("apps/v1", "Deployment")
        assert m["metadata"] == {"name": "order-service", "namespace": "team-a", "labels": LABELS,
                                 "annotations": m["metadata"]["annotations"]}
        ann = m["metadata"]["annotations"]
        assert ann["msap.edgeplane/change-order"] == "co-1"
        assert '"grayType": "PERCENT"' in ann[kube.ANN_GRAY] and '"logType": "applog"' in ann[kube.ANN_LOG]
        spec = m["spec"]
        assert spec["replicas"] == 3 and spec["selector"] == {"matchLabels": LABELS}
        assert spec["strategy"] == {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}}
        tpl = spec["template"]
        assert tpl["metadata"]["labels"] == LABELS and kube.ANN_LOG in tpl["metadata"]["annotations"]
        (c,) = tpl["spec"]["containers"]
        assert c["name"] == "app" and c["image"] == "registry.local/a/order:1.0.3"
        assert c["command"] == ["java", "-jar", "/app/order service.jar"]
        assert c["args"] == ["--server.port=8080", "7"]
        assert c["env"] == [{"name": "SPRING_PROFILES_ACTIVE", "value": "prod"}, {"name": "JAVA_OPTS", "value": ""}]
        # MSAP's pairs are inverted: requests are the smaller values, limits the larger
        assert c["resources"] == {"requests": {"cpu": "500m", "memory": "256Mi"},
                                  "limits": {"cpu": "2000m", "memory": "512Mi"}}
        assert c["livenessProbe"] == {"httpGet": {"port": 8080, "path": "/actuator/health", "scheme": "HTTPS",
                                                  "httpHeaders": [{"name": "X-Probe", "value": "1"}]},
                                      "initialDelaySeconds": 5, "periodSeconds": 10, "timeoutSeconds": 2,
                                      "successThreshold": 1, "failureThreshold": 3}
        assert c["readinessProbe"]["tcpSocket"] == {"port": 8080, "host": "127.0.0.1"}
        assert c["readinessProbe"]["successThreshold"] == 2
        vols = {v["configMap"]["name"]: v["name"] for v in tpl["spec"]["volumes"]}
        assert set(vols) == {"order-config", "shared.conf"}
        assert c["volumeMounts"] == [
            {"name": vols["order-config"], "mountPath": "/etc/order", "readOnly": True},
            {"name": vols["shared.conf"], "mountPath": "/opt/conf/application.yml", "readOnly": True,
             "subPath": "application.yml"},
            {"name": vols["shared.conf"], "mountPath": "/opt/log/logback.xml", "readOnly": True,
             "subPath": "logback.xml"},
            {"name": vols["shared.conf"], "mountPath": "/opt/conf/extra.properties", "readOnly": True,
             "subPath": "extra.properties"},
        ]

    @pytest.mark.parametrize("mode", ["EXEC", "HTTP_GET", "TCP_SOCKET"])
    def test_each_probe_mode_for_both_probes(self, mode):
        m = valid(kube.render_deployment(full_spec(liveness=probe(mode), readiness=probe(mode))))
        c = m["spec"]["template"]["spec"]["containers"][0]
        key = {"EXEC": "exec", "HTTP_GET": "httpGet", "TCP_SOCKET": "tcpSocket"}[mode]
        assert key in c["livenessProbe"] and key in c["readinessProbe"]
        if mode == "EXEC":
            assert c["livenessProbe"]["exec"] == {"command": ["cat", "/tmp/healthy"]}

    def test_msap_template_zero_values_mean_defaults(self):
        """The seed's request template: zeros, empty strings and blank rows everywhere."""
        blank_probe = {"enabled": True, "initialDelaySeconds": 0, "periodSeconds": 0, "successThreshold": 0,
                       "timeoutSeconds": 0, "failureThreshold": 0, "mode": "HTTP_GET", "exec": {"command": [""]},
                       "httpGet": {"host": "", "path": "", "port": 8080, "scheme": "",
                                   "headerList": [{"name": "", "value": ""}]}, "tcpSocket": {"host": "", "port": 0}}
        m = valid(kube.render_deployment({
            "name": "web", "namespace": "ns1", "image": "nginx", "replicas": 1, "command": "", "args": [""],
            "env": [{"name": "", "value": ""}],
            "resources": {"cpuLimit": 0, "cpuRequest": 0, "memoryLimit": 0, "memoryRequest": 0},
            "liveness": blank_probe, "readiness": dict(blank_probe, enabled=False)}))
        c = m["spec"]["template"]["spec"]["containers"][0]
        assert c["livenessProbe"] == {"httpGet": {"port": 8080, "path": "/", "scheme": "HTTP"}}
        assert not {"args", "command", "env", "resources", "readinessProbe"} & set(c)
        exec_probe = dict(blank_probe, mode="EXEC")
        with pytest.raises(ValueError, match="liveness.exec.command"):
            kube.render_deployment({"name": "web", "namespace": "ns1", "image": "nginx", "replicas": 1,
                                    "liveness": exec_probe})

    def test_disabled_or_absent_probes_render_nothing(self):
        m = valid(kube.render_deployment(full_spec(liveness={"enabled": False, "mode": "EXEC"}, readiness=None)))
        c = m["spec"]["template"]["spec"]["containers"][0]
        assert "livenessProbe" not in c and "readinessProbe" not in c

    def test_minimal_spec(self):
        m = valid(kube.render_deployment({"name": "web", "namespace": "ns1", "image": "nginx:1.27", "replicas": 1}))
        assert m["spec"]["selector"] == {"matchLabels": {kube.LABEL_APP: "web"}}
        assert m["spec"]["strategy"] == {"type": "RollingUpdate"}
        c = m["spec"]["template"]["spec"]["containers"][0]
        assert set(c) == {"name", "image", "imagePullPolicy"} and c["name"] == "web"
        assert "volumes" not in m["spec"]["template"]["spec"]

    def test_zero_replicas_and_single_resource_values(self):
        m = valid(kube.render_deployment({"name": "web", "namespace": "ns1", "image": "nginx", "replicas": 0,
                                          "resources": {"cpuLimit": 250, "memoryRequest": 128}}))
        assert m["spec"]["replicas"] == 0
        assert m["spec"]["template"]["spec"]["containers"][0]["resources"] == {
            "requests": {"cpu": "250m", "memory": "128Mi"}, "limits": {"cpu": "250m", "memory": "128Mi"}}

    def test_template_hash_follows_the_pod_template_only(self):
        a = kube.render_deployment(full_spec())
        b = kube.render_deployment(full_spec(replicas=7, annotations={"x.io/y": "z"}))
        c = kube.render_deployment(full_spec(image="registry.local/a/order:1.0.4"))
        ha, hb, hc = (kube.template_hash(m["spec"]["template"]) for m in (a, b, c))
        assert ha == hb != hc and len(ha) == 10

    @pytest.mark.parametrize("over,needle", [
        ({"name": "Order_Service"}, "name"),
        ({"name": "a" * 64}, "name"),
        ({"name": "-web"}, "name"),
        ({"namespace": "Team A"}, "namespace"),
        ({"namespace": None}, "namespace"),
        ({"image": ""}, "image"),
        ({"image": "nginx latest"}, "image"),
        ({"replicas": -1}, "replicas"),
        ({"replicas": "three"}, "replicas"),
        ({"replicas": None}, "replicas"),
        ({"replicas": True}, "replicas"),
        ({"containerName": "App"}, "containerName"),
        ({"labels": {"bad key!": "x"}}, "labels"),
        ({"labels": {"app": "x" * 64}}, "labels"),
        ({"env": [{"name": "1BAD", "value": "x"}]}, "env[0].name"),
        ({"env": [{"name": "A", "value": "1"}, {"name": "A", "value": "2"}]}, "duplicated"),
        ({"command": "java -jar 'unterminated"}, "command"),
        ({"args": "not-a-list"}, "args"),
        ({"resources": {"cpuLimit": -5}}, "cpuLimit"),
        ({"resources": {"memoryRequest": "lots"}}, "memoryRequest"),
        ({"liveness": probe("EXEC", exec={"command": []})}, "liveness.exec.command"),
        ({"liveness": probe("HTTP_GET", httpGet={"path": "/h", "port": 70000})}, "liveness.httpGet.port"),
        ({"liveness": probe("HTTP_GET", httpGet={"path": "h", "port": 80})}, "liveness.httpGet.path"),
        ({"liveness": probe("HTTP_GET", httpGet={"path": "/", "port": 80, "scheme": "FTP"})}, "scheme"),
        ({"readiness": probe("TCP_SOCKET", tcpSocket={"port": 0})}, "readiness.tcpSocket.port"),
        ({"readiness": probe("GRPC")}, "readiness.mode"),
        ({"readiness": probe("EXEC", periodSeconds=-1)}, "readiness.periodSeconds"),
        ({"readiness": probe("EXEC", failureThreshold="x")}, "readiness.failureThreshold"),
        ({"liveness": probe("EXEC", successThreshold=2)}, "liveness.successThreshold"),
        ({"configMounts": [{"configMap": "Bad_Name", "mountPath": "/etc/x"}]}, "configMap"),
        ({"configMounts": [{"configMap": "cfg", "mountPath": "relative/dir"}]}, "absolute"),
        ({"configMounts": [{"configMap": "cfg", "mountPath": ""}]}, "mountPath"),
        ({"configMounts": [{"configMap": "a", "mountPath": "/x"}, {"configMap": "b", "mountPath": "/x"}]}, "twice"),
        ({"configMounts": [{"configMap": "cfg", "mountPath": "/x", "items": [{"key": "a/b"}]}]}, "key"),
        ({"maxSurge": 0, "maxUnavailable": 0}, "both be 0"),
        ({"maxSurge": -1}, "maxSurge"),
        ({"annotations": {"bad key": "v"}}, "annotations"),
    ])
    def test_rejects_what_kubernetes_would_refuse(self, over, needle):
        with pytest.raises(ValueError) as exc:
            kube.render_deployment(full_spec(**over))
        assert needle in str(exc.value)

    def test_missing_required_keys(self):
        for key in ("name", "namespace", "image", "replicas"):
            spec = {"name": "web", "namespace": "ns1", "image": "nginx", "replicas": 1}
            spec.pop(key)
            with pytest.raises(ValueError):
                kube.render_deployment(spec)
        with pytest.raises(ValueError):
            kube.render_deployment("not a dict")


class TestService:
    def test_cluster_ip_service(self):
        m = valid(kube.render_service({"name": "order-svc", "namespace": "team-a", "labels": LABELS,
                                       "selector": LABELS, "type": "ClusterIP", "trafficPolicy": "Local",
                                       "ports": [{"port": 80, "targetPort": 8080, "protocol": ""},
                                                 {"port": 53, "protocol": "udp", "nodePort": 30053}]}))
        assert m["spec"] == {"type": "ClusterIP", "selector": LABELS, "internalTrafficPolicy": "Local",
                             "ports": [{"name": "tcp-80", "port": 80, "targetPort": 8080, "protocol": "TCP"},
                                       {"name": "udp-53", "port": 53, "targetPort": 53, "protocol": "UDP"}]}

    def test_node_port_service(self):
        m = valid(kube.render_service({"name": "order-np", "namespace": "team-a", "selector": LABELS,
                                       "type": "NodePort", "trafficPolicy": "Cluster",
                                       "ports": [{"port": 8080, "targetPort": 8080, "nodePort": 30080},
                                                 {"port": 8443, "targetPort": "https"}]}))
        spec = m["spec"]
        assert spec["type"] == "NodePort" and spec["externalTrafficPolicy"] == "Cluster"
        assert "internalTrafficPolicy" not in spec
        assert spec["ports"][0] == {"name": "tcp-8080", "port": 8080, "targetPort": 8080, "protocol": "TCP",
                                    "nodePort": 30080}
        assert spec["ports"][1] == {"name": "tcp-8443", "port": 8443, "targetPort": "https", "protocol": "TCP"}

    def test_minimal_service(self):
        m = valid(kube.render_service({"name": "web", "namespace": "ns1", "selector": {"app": "web"},
                                       "ports": [{"port": 80}]}))
        assert m["spec"]["type"] == "ClusterIP" and "metadata" in m and "labels" not in m["metadata"]

    @pytest.mark.parametrize("over,needle", [
        ({"name": "9svc"}, "name"),
        ({"name": "svc.dotted"}, "name"),
        ({"namespace": "NS"}, "namespace"),
        ({"type": "LoadBalancer"}, "type"),
        ({"trafficPolicy": "Global"}, "trafficPolicy"),
        ({"selector": {}}, "selector"),
        ({"ports": []}, "ports"),
        ({"ports": [{"port": 0}]}, "ports[0].port"),
        ({"ports": [{"port": 65536}]}, "ports[0].port"),
        ({"ports": [{"port": "eighty"}]}, "ports[0].port"),
        ({"ports": [{"port": 80, "targetPort": 99999}]}, "targetPort"),
        ({"ports": [{"port": 80, "protocol": "HTTP"}]}, "protocol"),
        ({"ports": [{"port": 80}, {"port": 80, "protocol": "tcp"}]}, "duplicated"),
        ({"type": "NodePort", "ports": [{"port": 80, "nodePort": 8080}]}, "nodePort"),
        ({"type": "NodePort", "ports": [{"port": 80, "nodePort": 30001}, {"port": 81, "nodePort": 30001}]},
         "duplicated"),
    ])
    def test_rejects_bad_services(self, over, needle):
        spec = {"name": "web", "namespace": "ns1", "selector": {"app": "web"}, "ports": [{"port": 80}]}
        spec.update(over)
        with pytest.raises(ValueError) as exc:
            kube.render_service(spec)
        assert needle in str(exc.value)


class TestConfigMapAndNamespace:
    def test_configmap(self):
        m = valid(kube.render_configmap("order-config", "team-a",
                                        [{"name": "application.yml", "value": "server:\n  port: 8080\n"},
                                         {"name": "empty", "value": None}, {"name": "n", "value": 5}],
                                        labels=LABELS))
        assert m["data"] == {"application.yml": "server:\n  port: 8080\n", "empty": "", "n": "5"}
        assert m["metadata"] == {"name": "order-config", "namespace": "team-a", "labels": LABELS}
        assert "data" not in valid(kube.render_configmap("c.d", "ns1", []))

    @pytest.mark.parametrize("args,needle", [
        (("Bad", "ns1", []), "configMap name"),
        (("cfg", "bad ns", []), "namespace"),
        (("cfg", "ns1", [{"name": "a/b", "value": "x"}]), "items[0].name"),
        (("cfg", "ns1", [{"name": "..", "value": "x"}]), "items[0].name"),
        (("cfg", "ns1", [{"name": "a", "value": "1"}, {"name": "a", "value": "2"}]), "duplicated"),
        (("cfg", "ns1", [{"name": "big", "value": "x" * (1024 * 1024 + 1)}]), "1 MiB"),
        (("cfg", "ns1", ["x"]), "items[0]"),
    ])
    def test_configmap_rejects(self, args, needle):
        with pytest.raises(ValueError) as exc:
            kube.render_configmap(*args)
        assert needle in str(exc.value)

    def test_namespace(self):
        assert valid(kube.render_namespace("team-a")) == {"apiVersion": "v1", "kind": "Namespace",
                                                          "metadata": {"name": "team-a"}}
        for bad in ("Team", "a" * 64, "a.b", "", None, "-a"):
            with pytest.raises(ValueError):
                kube.render_namespace(bad)

    def test_dns_label_normalizes_msap_names(self):
        assert kube.dns_label("orderService") == "orderservice"
        assert kube.dns_label("测试 App__v2") == "app-v2"
        assert kube.dns_label("") == "x" and len(kube.dns_label("a" * 99)) == 63
        assert kube.is_dns_label(kube.dns_label("--A--b--"))

    def test_labels_for(self):
        assert kube.labels_for("web", "d1") == {"app.kubernetes.io/name": "web", "msap.edgeplane/deploy": "d1"}
        uid = "29b25b16-0b71-48ae-8e82-3746a052b98d"
        assert kube.labels_for("orderService", uid) == {kube.LABEL_APP: "orderService", kube.LABEL_DEPLOY: uid}
        odd = kube.labels_for("订单 service!", "x" * 70)
        assert odd == {kube.LABEL_APP: "service", kube.LABEL_DEPLOY: "x" * 63}
        valid(kube.render_deployment({"name": "web", "namespace": "ns1", "image": "i", "replicas": 1, "labels": odd}))

    def test_the_validator_really_catches_bad_manifests(self):
        m = kube.render_service({"name": "web", "namespace": "ns1", "selector": {"a": "b"}, "ports": [{"port": 80}]})
        m["spec"]["bogusField"] = 1
        with pytest.raises(Exception):
            kubernetes_validate.validate(m, "1.30", strict=True)
