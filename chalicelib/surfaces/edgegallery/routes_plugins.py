"""Plugin (group 1): 1.1–1.4, 1.6–1.9, plus upstream's 1.5 logo download (missing from the document)."""
from __future__ import annotations

from chalicelib.surfaces.edgegallery import envelope
from chalicelib.surfaces.edgegallery import service_files as files
from chalicelib.surfaces.edgegallery import service_plugins as plugins
from chalicelib.surfaces.edgegallery.blueprint import ANY_BODY, V1, bp, endpoint
from chalicelib.surfaces.edgegallery.common import window
from chalicelib.surfaces.edgegallery import answers_more as am

BASE = f"{V1}/plugins"
TEXT_FIELDS = ("pluginName", "codeLanguage", "pluginType", "version", "introduction", "userId", "userName")


def _form(ctx) -> tuple[dict, dict]:
    """Text fields from the multipart form, else from the query string (upstream binds both)."""
    parts = files.form(ctx, plugins.FORM_LIMIT)
    q = ctx.query
    fields = {}
    for name in TEXT_FIELDS:
        part = parts.get(name)
        if part is not None and part.filename is None:
            fields[name] = part.text
        elif q.get(name) is not None:
            fields[name] = q[name].strip()
    return fields, {k: v for k, v in parts.items() if k in plugins.RULES}


@bp.route(BASE, methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, returns=am.Plugin)
def upload_plugin(ctx):
    fields, parts = _form(ctx)
    return plugins.view(plugins.create(ctx.principal, fields, parts))


@bp.route(BASE, methods=["GET"])
@endpoint(bp, returns=am.PluginPage)
def list_plugins(ctx):
    q = ctx.query
    w = window(q.get("offset"), q.get("limit"))
    rows, total = plugins.page(q.get("pluginType"), q.get("codeLanguage"), q.get("pluginName"), w)
    return envelope.page(rows, w.limit, w.offset, total)


@bp.route(f"{BASE}/{{pluginId}}", methods=["DELETE"], content_types=ANY_BODY)
@endpoint(bp, returns=am.Done)
def delete_plugin(ctx, pluginId):
    plugins.delete(ctx.principal, pluginId)
    return envelope.true()


@bp.route(f"{BASE}/{{pluginId}}", methods=["PUT"], content_types=ANY_BODY)
@endpoint(bp, returns=am.Plugin)
def update_plugin(ctx, pluginId):
    fields, parts = _form(ctx)
    return plugins.view(plugins.update(ctx.principal, pluginId, fields, parts))


@bp.route(f"{BASE}/{{pluginId}}/action/download", methods=["GET"])
@endpoint(bp)
def download_plugin(ctx, pluginId):
    data, name = plugins.file_bytes(pluginId, "pluginFile", count_download=True)
    return envelope.attachment(data, name)


@bp.route(f"{BASE}/{{pluginId}}/action/get-logofile", methods=["GET"])
@endpoint(bp)
def download_plugin_logo(ctx, pluginId):
    data, name = plugins.file_bytes(pluginId, "logoFile")
    return envelope.attachment(data, name)


@bp.route(f"{BASE}/{{pluginId}}/action/get-apifile", methods=["GET"])
@endpoint(bp)
def download_plugin_api(ctx, pluginId):
    data, name = plugins.file_bytes(pluginId, "apiFile")
    return envelope.attachment(data, name)


@bp.route(f"{BASE}/{{pluginId}}/action/content", methods=["GET"])
@endpoint(bp)
def plugin_api_content(ctx, pluginId):
    data, _ = plugins.file_bytes(pluginId, "apiFile")
    return envelope.text(data.decode("utf-8", errors="replace"))


@bp.route(f"{BASE}/{{pluginId}}/action/score", methods=["PUT"], content_types=ANY_BODY)
@endpoint(bp, returns=am.Plugin)
def score_plugin(ctx, pluginId):
    return plugins.view(plugins.score(ctx.principal, pluginId, ctx.query.get("score")))
