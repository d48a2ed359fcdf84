"""Application management V2, metadata (4.1.1 runtimes, 4.1.2 flavors): the catalogue a component picks from."""
from __future__ import annotations

import functools
import json
from pathlib import Path

from chalicelib.surfaces.servicestage import answers_cas as A
from chalicelib.surfaces.servicestage.blueprints import ANY_BODY, appmgmt_v2 as bp, svcstg_api as api


@functools.lru_cache(maxsize=1)
def catalogue() -> dict:
    return json.loads(Path(__file__).with_name("catalog_meta.json").read_text())


@bp.route("/v2/{project_id}/cas/metadata/runtimes", methods=["GET"], content_types=ANY_BODY)
@api.endpoint(bp, action="ListRuntimes", returns=A.V2Runtimes)
def list_runtimes(ctx, project_id):
    return {"runtimes": catalogue()["runtimes"]}


@bp.route("/v2/{project_id}/cas/metadata/flavors", methods=["GET"], content_types=ANY_BODY)
@api.endpoint(bp, action="ListFlavors", returns=A.V2Flavors)
def list_flavors(ctx, project_id):
    return {"flavors": catalogue()["flavors"]}
