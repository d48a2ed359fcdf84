"""Operator codes: the code is the key, errors print it bare."""
from __future__ import annotations

from tests.api.mobiledgex.conftest import REGION, make_org


def _call(caller, op: str, body: dict):
    return caller.json(f"/auth/ctrl/{op}", {"Region": REGION, "OperatorCode": body})


def test_operator_code_create_show_delete(operator, developer, mx_admin):
    code = {"code": "310-410", "organization": operator.org}
    assert _call(operator, "CreateOperatorCode", code) == (200, {})
    assert _call(operator, "CreateOperatorCode", code) == (400, {"message": "OperatorCode key 310-410 already exists"})
    status, lines = operator.ctrl("ShowOperatorCode", "OperatorCode", {})
    assert lines == [{"data": code}]
    # admins see all, developers (cloudlets:view on their own org only) see none
    assert mx_admin.ctrl("ShowOperatorCode", "OperatorCode", {"code": "310-410"})[1] == [{"data": code}]
    assert developer.ctrl("ShowOperatorCode", "OperatorCode", {}) == (200, [])
    assert _call(developer, "DeleteOperatorCode", code) == (403, {"message": "Forbidden"})
    assert _call(operator, "DeleteOperatorCode", code) == (200, {})
    assert operator.ctrl("ShowOperatorCode", "OperatorCode", {}) == (200, [])
    assert _call(operator, "DeleteOperatorCode", code) == (400, {"message": "OperatorCode key 310-410 not found"})


def test_operator_code_validation(operator, developer, mx_admin):
    assert _call(operator, "CreateOperatorCode", {"organization": operator.org}) == \
        (400, {"message": "No code specified"})
    assert _call(developer, "CreateOperatorCode", {"code": "1", "organization": operator.org}) == \
        (403, {"message": "Forbidden"})
    assert _call(mx_admin, "CreateOperatorCode", {"code": "1", "organization": developer.org}) == \
        (400, {"message": f"Operation for org {developer.org} only allowed for orgs of type operator"})
    assert _call(operator, "CreateOperatorCode", {"code": "1", "organization": "ghost-org"}) == \
        (403, {"message": "Forbidden"})
    assert mx_admin.ctrl("ShowOperatorCode", "OperatorCode", {}) == (200, [])


def test_operator_code_of_another_org_is_protected(operator, mx):
    from tests.api.mobiledgex.conftest import make_user
    intruder = make_user(mx)
    intruder.org = make_org(intruder, "opintruder", "operator")
    assert _call(operator, "CreateOperatorCode", {"code": "999", "organization": operator.org}) == (200, {})
    assert _call(intruder, "DeleteOperatorCode", {"code": "999", "organization": intruder.org}) == \
        (403, {"message": "Forbidden"})
    assert operator.ctrl("ShowOperatorCode", "OperatorCode", {})[1] == [
        {"data": {"code": "999", "organization": operator.org}}]
