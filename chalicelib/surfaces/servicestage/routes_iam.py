"""IAM (tokens, projects, permanent access keys) and the ServiceComb engine token (8.1.1)."""
from __future__ import annotations

from chalicelib.core.errors import BadRequest, Unauthenticated
from chalicelib.identity import accounts, tokens
from chalicelib.surfaces.servicestage import answers_cse as C
from chalicelib.surfaces.servicestage import bodies_cse as B
from chalicelib.surfaces.servicestage.bodies import body_of
from chalicelib.surfaces.servicestage import auth, envelope, iam
from chalicelib.surfaces.servicestage.blueprints import ANY_BODY, iam as bp_iam, iam_api, registry_api, servicecomb


@bp_iam.route("/v3/auth/tokens", methods=["POST"], content_types=ANY_BODY)
@iam_api.endpoint(bp_iam, auth=False, action="iam_token", returns=C.IamToken)
def create_token(ctx):
    token, body = iam.issue_token(body_of(ctx, B.IamTokenRequest))
    return envelope.ok(body, 201, {"X-Subject-Token": token})


@bp_iam.route("/v3/projects", methods=["GET"], content_types=ANY_BODY)
@iam_api.endpoint(bp_iam, action="iam_projects", returns=C.IamProjects)
def list_projects(ctx):
    name = ctx.query.get("name")
    items = iam.projects_of(ctx.principal.account_id, name)
    return {"projects": [iam.project_view(p) for p in items], "links": {"self": "/v3/projects", "next": None,
                                                                          "previous": None}}


@bp_iam.route("/v3.0/OS-CREDENTIAL/credentials", methods=["POST"], content_types=ANY_BODY)
@iam_api.endpoint(bp_iam, action="iam_create_credential", returns=C.IamCredentialAnswer)
def create_credential(ctx):
    return envelope.ok(iam.create_credential(ctx.principal, body_of(ctx, B.IamCredentialCreate)), 201)


@servicecomb.route("/v4/token", methods=["POST"], content_types=ANY_BODY)
@registry_api.endpoint(servicecomb, auth=False, action="servicecomb_token", returns=C.ScTokenAnswer)
def servicecomb_token(ctx):
    body = body_of(ctx, B.ScToken)
    if not isinstance(body.get("name"), str) or not isinstance(body.get("password"), str):
        raise BadRequest("name and password are required", code=400001)
    try:
        acct = accounts.authenticate_password(body["name"], body["password"])
    except Unauthenticated:
        raise Unauthenticated("Wrong user name or password", code=401202) from None
    token, _ = tokens.issue(acct.username, auth.SERVICECOMB_AUDIENCE, ttl=12 * 3600)
    return {"token": token}
