"""edgeplane extension (no API in the seed, catalog §8.28): the tenant's main account creates sub-accounts,
the users that projects take as members. Passwords are argon2id-hashed by the shared identity."""
from typing import Optional

from pydantic import Field

from chalicelib.surfaces.msap import answers as a, identity
from chalicelib.surfaces.msap.blueprints import post, tenant as bp
from chalicelib.surfaces.msap.identity import user_of
from chalicelib.surfaces.msap.params import Model, body


class NewSubAccount(Model):
    userName: str = Field(min_length=3, max_length=64, pattern=r"^[A-Za-z][A-Za-z0-9_.-]*$", title="用户账号")
    password: str = Field(min_length=8, max_length=128, title="密码")
    realName: Optional[str] = Field(None, max_length=64, title="姓名")
    orgName: Optional[str] = Field(None, max_length=64, title="部门")


@post(bp, "/v1/tenant/createSubAccount", returns=a.CreatedSubAccount)
def createSubAccount(ctx):
    b = body(ctx, NewSubAccount)
    u = identity.create_sub_account(user_of(ctx), b.userName, b.password, b.realName or b.userName, b.orgName or "")
    return {"userId": u.user_num, "userName": u.username, "realName": u.real_name, "orgName": u.org_name,
            "tenantId": u.tenant_num}
