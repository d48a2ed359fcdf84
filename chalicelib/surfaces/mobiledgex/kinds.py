"""The regional object kinds, described once (see :mod:`regional`)."""
from __future__ import annotations

from chalicelib.surfaces.mobiledgex.regional import Kind, key_text, ordered_key


def _cloudlet_of(path: str):
    def by(data: dict) -> str:
        cur = data
        for part in path.split("."):
            cur = (cur or {}).get(part) or {}
        return key_text(ordered_key("EdgeprotoCloudletKey", cur))
    return by


FLAVOR = Kind("Flavor", "EdgeprotoFlavor", "EdgeprotoFlavorKey", "flavors", "", )
CLOUDLET = Kind("Cloudlet", "EdgeprotoCloudlet", "EdgeprotoCloudletKey", "cloudlets", "key.organization")
CLOUDLET_POOL = Kind("CloudletPool", "EdgeprotoCloudletPool", "EdgeprotoCloudletPoolKey", "cloudletpools",
                     "key.organization")
VM_POOL = Kind("VMPool", "EdgeprotoVMPool", "EdgeprotoVMPoolKey", "cloudlets", "key.organization")
NETWORK = Kind("Network", "EdgeprotoNetwork", "EdgeprotoNetworkKey", "cloudlets", "key.cloudlet_key.organization",
               by=_cloudlet_of("key.cloudlet_key"))
OPERATOR_CODE = Kind("OperatorCode", "EdgeprotoOperatorCode", None, "cloudlets", "organization", key_field="code")
APP = Kind("App", "EdgeprotoApp", "EdgeprotoAppKey", "apps", "key.organization")
CLUSTER_INST = Kind("ClusterInst", "EdgeprotoClusterInst", "EdgeprotoClusterInstKey", "clusterinsts",
                    "key.cluster_key.organization", by=_cloudlet_of("key.cloudlet_key"))
APP_INST = Kind("AppInst", "EdgeprotoAppInst", "EdgeprotoAppInstKey", "appinsts", "key.organization",
                by=_cloudlet_of("key.cloudlet_key"))
AUTO_PROV_POLICY = Kind("AutoProvPolicy", "EdgeprotoAutoProvPolicy", "EdgeprotoPolicyKey", "developerpolicy",
                        "key.organization", label="Policy key")
AUTO_SCALE_POLICY = Kind("AutoScalePolicy", "EdgeprotoAutoScalePolicy", "EdgeprotoPolicyKey", "developerpolicy",
                         "key.organization", label="Policy key")
