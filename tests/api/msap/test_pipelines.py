"""5.6 pipelines: the createPipeline extension, the paged list, runs (the job workflow in pipeline_runs), abort,
retry, and their rights and tenancy."""
from __future__ import annotations

import importlib.util
import itertools

import pytest

import chalicelib.surfaces.msap.pipeline_runs  # noqa: F401  (registers the run workflow in this process)
from tests.api.msap.conftest import add_member

P = "/v1/pipelines"
_n = itertools.count(1)
STAGES = [{"category": "CODE_BUILD", "name": "代码构建", "sort": 1},
          {"category": "IMAGE_BUILD", "name": "镜像构建", "sort": 2},
          {"category": "IMAGE_DEPLOY", "name": "镜像部署", "sort": 3}]


# ---------------------------------------------------------------- helpers (also used by the 5.12 / 5.7 tests)
def _module(name: str) -> bool:
    return importlib.util.find_spec(f"chalicelib.surfaces.msap.{name}") is not None


def tenant_of(ms) -> str:
    if getattr(ms, "tenant", None) is None:
        from chalicelib.surfaces.msap.identity import get_ms_account
        ms.ok_get("/v1/project/listProjectsPage")  # the first call makes the tenant
        ms.tenant = get_ms_account(ms.username).tenant_id
    return ms.tenant


def make_app(ms, pid: str, name: str | None = None) -> str:
    """An application of the project: through task A's API when it exists, else the object directly."""
    name = name or f"app{next(_n)}x"
    if _module("routes_app") and _module("routes_connection"):
        conn = ms.ok_post("/v1/service/connection/createServiceConnection", {
            "projectId": pid, "connectionName": f"gitee{next(_n)}", "connectionType": "GITEE", "token": "tok-123"})
        conn_id = conn["connectionId"] if isinstance(conn, dict) else conn
        return ms.ok_post("/v1/app/createApplication", {
            "name": name, "origin": "GITEE", "codeReposAddress": f"https://gitee.com/demo/{name}.git",
            "connectionId": conn_id, "projectId": pid})
    from chalicelib.surfaces.msap import objects
    now = objects.now_ms_str()
    item = objects.create(tenant_of(ms), "app", {
        "name": name, "projectId": pid, "appGroupId": "", "createUserId": ms.user_id, "category": "GENERAL_APP",
        "type": "EXTERNAL_CODE", "origin": "GITEE", "statusCd": "S0A", "createTime": now, "createStaff": ms.username},
        parent=pid, name=name)
    item.data["appId"] = item.obj_id
    objects.save(item)
    return item.obj_id


def set_app_group(ms, app_id: str, group_id: str) -> None:
    from chalicelib.surfaces.msap import objects
    item = objects.get(tenant_of(ms), "app", app_id)
    item.data = dict(item.data, appGroupId=group_id)
    objects.save(item)


def make_env(ms, pid: str, name: str = "开发环境") -> str:
    from chalicelib.surfaces.msap import objects
    item = objects.create(tenant_of(ms), "env", {"envCode": f"dev-{next(_n)}", "envName": name, "envType": "DEVELOP",
                                                 "projectId": pid, "createUserId": ms.user_id}, parent=pid)
    item.data["envId"] = item.obj_id
    objects.save(item)
    return item.obj_id


def make_pipeline(ms, pid: str, app_id: str, *, name: str | None = None, stages=None, **extra) -> str:
    return ms.ok_post(f"{P}/createPipeline", {"projectId": pid, "appId": app_id,
                                              "pipelineOrderName": name or f"流水线{next(_n)}",
                                              "stageList": stages or STAGES, **extra})


def detail(ms, rid: str) -> dict:
    return ms.ok_get(f"{P}/pipelineRecorddetail", pipelineRecordId=rid)


def run(ms, pipeline_id: str, branch: str = "master") -> str:
    return ms.ok_post(f"{P}/runPipeline", {"pipelineOrderId": pipeline_id, "branchName": branch})


def wait_end(ms, drain, rid: str) -> dict:
    assert drain(until=lambda: detail(ms, rid)["statusCd"] in ("13", "14", "15"), timeout=30)
    return detail(ms, rid)


def jobs_settled(ms) -> bool:
    from chalicelib.store.models import Job
    from chalicelib import jobs
    return all(j.status in jobs.TERMINAL for j in Job.gsi1.query(f"TENANT#{tenant_of(ms)}#JOBS"))


def stage_codes(d: dict) -> list[str]:
    return [s["statusCd"] for s in d["stageList"]]


@pytest.fixture(autouse=True)
def no_scan(monkeypatch):
    """Every read of these endpoints and of the run engine is a Query or a get."""
    from pynamodb.connection.base import Connection

    def scan(*a, **k):
        raise AssertionError("DynamoDB Scan used")
    monkeypatch.setattr(Connection, "scan", scan)


@pytest.fixture
def setup(ms):
    pid = ms.project()
    app_id = make_app(ms, pid, "orderSvc")
    return pid, app_id


# ---------------------------------------------------------------- create / list / delete
def test_create_and_list_pipeline(ms, setup):
    pid, app_id = setup
    pl = make_pipeline(ms, pid, app_id, name="订单构建", description="构建订单服务",
                       stages=[STAGES[2], STAGES[0], STAGES[1]])
    page = ms.ok_get(f"{P}/listPipelinesPage", projectId=pid)
    assert page["total"] == 1 and page["pageNum"] == 1 and page["pageSize"] == 10
    row = page["list"][0]
    assert set(row) == {"appCode", "appId", "appName", "createStaff", "createTime", "deleted", "description",
                        "enablePause", "enableResume", "enableRun", "pipelineOrderId", "pipelineOrderName",
                        "projectId", "stageList", "tenantId", "updateStaff", "updateTime"}
    assert row["pipelineOrderId"] == pl and row["pipelineOrderName"] == "订单构建" and row["appId"] == app_id
    assert row["appName"] == "orderSvc" and row["projectId"] == pid and row["description"] == "构建订单服务"
    assert row["deleted"] is False and row["enableRun"] is True and row["enablePause"] is False
    assert row["enableResume"] is False and isinstance(row["tenantId"], int) and row["createTime"].isdigit()
    assert row["createStaff"] == ms.username
    assert [s["category"] for s in row["stageList"]] == ["CODE_BUILD", "IMAGE_BUILD", "IMAGE_DEPLOY"]
    assert [s["sort"] for s in row["stageList"]] == [1, 2, 3]
    assert all(s["pipelineOrderId"] == pl and s["pipelineStageOrderId"] for s in row["stageList"])
    assert ms.ok_get("/v1/pipeline/permission/permMode", pipelineOrderId=pl) == "DEFAULT"
    # filters and paging
    app_a = app_id
    app_b = make_app(ms, pid, "paySvc")
    set_app_group(ms, app_b, "group-1")
    for i in range(3):
        make_pipeline(ms, pid, app_a, name=f"订单-{i}")
    pb = make_pipeline(ms, pid, app_b, name="支付流水线")
    assert ms.ok_get(f"{P}/listPipelinesPage", projectId=pid)["total"] == 5
    by_group = ms.ok_get(f"{P}/listPipelinesPage", projectId=pid, appGroupId="group-1")
    assert [r["pipelineOrderId"] for r in by_group["list"]] == [pb] and by_group["total"] == 1
    assert ms.ok_get(f"{P}/listPipelinesPage", projectId=pid, appGroupId="none")["total"] == 0
    assert ms.ok_get(f"{P}/listPipelinesPage", projectId=pid, name="订单-")["total"] == 3
    by_app_name = ms.ok_get(f"{P}/listPipelinesPage", projectId=pid, name="PAYs")
    assert [r["pipelineOrderId"] for r in by_app_name["list"]] == [pb]
    p2 = ms.ok_get(f"{P}/listPipelinesPage", projectId=pid, pageNum=2, pageSize=3)
    assert (p2["total"], p2["size"], p2["pages"], p2["pageNum"]) == (5, 2, 2, 2)
    assert [r["pipelineOrderName"] for r in p2["list"]] == ["订单-0", "订单构建"]  # newest first
    assert ms.fails("GET", f"{P}/listPipelinesPage", {}) == {"field": "projectId", "message": "此属性是必填项"}
    assert ms.fails("GET", f"{P}/listPipelinesPage", {"projectId": "nope"}, 404) == "项目不存在"


def test_create_validation_changes_nothing(ms, setup):
    pid, app_id = setup
    base = {"projectId": pid, "appId": app_id, "pipelineOrderName": "校验", "stageList": STAGES}
    url = f"{P}/createPipeline"
    assert ms.fails("POST", url, {**base, "pipelineOrderName": ""}) == "流水线名称不能为空"
    assert ms.fails("POST", url, {k: v for k, v in base.items() if k != "appId"}) == "应用 ID 不能为空"
    assert ms.fails("POST", url, {**base, "stageList": []}) == "执行流程不能为空"
    assert "取值不正确" in ms.fails("POST", url, {**base, "stageList": [{"category": "X", "name": "n", "sort": 1}]})
    assert ms.fails("POST", url, {**base, "stageList": [STAGES[0], {**STAGES[1], "sort": 1}]}) == "流程顺序不能重复"
    assert "取值不正确" in ms.fails("POST", url, {**base, "permMode": "OPEN"})
    assert ms.fails("POST", url, {**base, "simulate": {"failStage": "PACKAGE_PUBLISH"}}) == "模拟失败的流程类型不在执行流程中"
    assert ms.fails("POST", url, {**base, "appId": "nope"}, 404) == "应用不存在"
    assert ms.fails("POST", url, {**base, "deployEnvId": "nope"}, 404) == "环境不存在"
    assert ms.fails("POST", url, {**base, "branchName": "bad branch"}) == "分支名称不规范"
    other = ms.project()
    assert ms.fails("POST", url, {**base, "projectId": other}) == "应用不属于该项目"
    assert ms.fails("POST", url, {**base, "projectId": "nope"}, 404) == "项目不存在"
    assert ms.ok_get(f"{P}/listPipelinesPage", projectId=pid)["total"] == 0
    make_pipeline(ms, pid, app_id, name="重名")
    assert ms.fails("POST", url, {**base, "pipelineOrderName": "重名"}, 409) == "流水线名称已存在"
    assert ms.ok_get(f"{P}/listPipelinesPage", projectId=pid)["total"] == 1
    status, env = ms.post(url, raw="[1]")
    assert status == 400 and env["msg"].startswith("请求参数格式错误")
    guest, outsider = ms.sub_account(), ms.sub_account()
    add_member(ms, pid, guest, roles=(5,))
    body = {"projectId": pid, "appId": app_id, "pipelineOrderName": "访客", "stageList": STAGES}
    assert guest.fails("POST", f"{P}/createPipeline", body, 403) == "访客无权执行该操作"
    assert outsider.fails("GET", f"{P}/listPipelinesPage", {"projectId": pid}, 403) == "您不是该项目的成员，无权访问"
    assert ms.ok_get(f"{P}/listPipelinesPage", projectId=pid)["total"] == 1


# ---------------------------------------------------------------- runs
def test_run_to_success_with_artifacts(ms, setup, drain):
    pid, app_id = setup
    env_id = make_env(ms, pid, "测试环境")
    pl = make_pipeline(ms, pid, app_id, deployEnvId=env_id)
    rid = ms.ok_post(f"{P}/runPipeline", {"pipelineOrderId": f" {pl} ", "branchName": "release/1.0",
                                         "variableList": {"name": "FOO", "type": "CUSTOM", "value": "bar"}})
    first = detail(ms, rid)
    assert first["statusCd"] in ("11", "12") and first["pipelineRecordId"] == rid
    assert first["branchName"] == "release/1.0" and first["deployEnvId"] == env_id
    assert first["deployEnvName"] == "测试环境" and first["variableList"] == [{"name": "FOO", "type": "CUSTOM",
                                                                           "value": "bar"}]
    row = ms.ok_get(f"{P}/listPipelinesPage", projectId=pid)["list"][0]
    assert row["enablePause"] is True and row["enableRun"] is False
    done = wait_end(ms, drain, rid)
    assert done["statusCd"] == "13" and done["statusCdName"] == "执行成功"
    assert stage_codes(done) == ["13", "13", "13"]
    assert [s["statusCdName"] for s in done["stageList"]] == ["执行成功"] * 3
    assert all(s["pipelineRecordId"] == rid for s in done["stageList"])
    assert done["endTime"].isdigit() and int(done["endTime"]) >= int(done["startTime"])
    assert done["appId"] == app_id and done["appCode"] and done["pipelineOrderId"] == pl
    assert isinstance(done["tenantId"], int) and done["createStaff"] == ms.username
    for key in ("createTime", "updateStaff", "updateTime", "pipelineOrderName"):
        assert done[key]
    row = ms.ok_get(f"{P}/listPipelinesPage", projectId=pid)["list"][0]
    assert (row["enableRun"], row["enablePause"], row["enableResume"]) == (True, False, False)
    pkgs = ms.ok_get("/v1/product/listPackagesPage", projectId=pid)
    imgs = ms.ok_get("/v1/product/listImagesPage", projectId=pid)
    assert pkgs["total"] == 1 and imgs["total"] == 1
    assert pkgs["list"][0]["branchName"] == "release/1.0" and imgs["list"][0]["imageVer"] == "1.0.1"
    assert imgs["list"][0]["imageUrl"].startswith("registry.edgeplane.local/")
    assert drain(until=lambda: jobs_settled(ms), timeout=20)
    # a second run builds the next version
    rid2 = run(ms, pl)
    assert rid2 != rid and wait_end(ms, drain, rid2)["statusCd"] == "13"
    vers = sorted(i["imageVer"] for i in ms.ok_get("/v1/product/listImagesPage", projectId=pid)["list"])
    assert vers == ["1.0.1", "1.0.2"]
    # delete: the pipeline, its records and its name go; the artifacts stay in the repository
    from chalicelib.surfaces.msap import objects
    name = detail(ms, rid)["pipelineOrderName"]
    assert ms.fails("POST", f"{P}/deletePipeline", {}) == "流水线 ID 不能为空"
    assert ms.fails("POST", "/v1/project/deleteProject", {"projectId": pid}) == "项目下还有应用、环境或流水线，不能删除"
    assert ms.ok_post(f"{P}/deletePipeline", {"pipelineOrderId": pl}) is True
    assert ms.ok_get(f"{P}/listPipelinesPage", projectId=pid)["total"] == 0
    assert objects.count(tenant_of(ms), "pipeline", pid) == 0  # what project deletion checks
    assert ms.fails("GET", f"{P}/pipelineRecorddetail", {"pipelineRecordId": rid}, 404) == "流水线不存在"
    assert ms.fails("POST", f"{P}/deletePipeline", {"pipelineOrderId": pl}, 404) == "流水线不存在"
    assert ms.ok_get("/v1/product/listImagesPage", projectId=pid)["total"] == 2
    assert make_pipeline(ms, pid, app_id, name=name) != pl


def test_failed_stage_then_retry_same_record(ms, setup, drain):
    """The simulated builder fails IMAGE_BUILD twice: 14, retry → 14, retry → 13, always the same record."""
    pid, app_id = setup
    pl = make_pipeline(ms, pid, app_id, simulate={"failStage": "IMAGE_BUILD", "failTimes": 2})
    rid = run(ms, pl)
    failed = wait_end(ms, drain, rid)
    assert failed["statusCd"] == "14" and failed["statusCdName"] == "执行失败"
    assert stage_codes(failed) == ["13", "14", "11"]
    assert failed["stageList"][2]["statusCdName"] == "等待执行" and failed["endTime"]
    row = ms.ok_get(f"{P}/listPipelinesPage", projectId=pid)["list"][0]
    assert (row["enableRun"], row["enablePause"], row["enableResume"]) == (True, False, True)
    assert ms.ok_get("/v1/product/listPackagesPage", projectId=pid)["total"] == 1
    assert ms.ok_get("/v1/product/listImagesPage", projectId=pid)["total"] == 0
    assert ms.ok_post(f"{P}/retryPipelineJobRun", {"pipelineRecordId": f" {rid} "}) == rid
    again = detail(ms, rid)
    assert again["statusCd"] == "12" and stage_codes(again) == ["13", "12", "11"] and again["endTime"] == ""
    assert ms.fails("POST", f"{P}/retryPipelineJobRun", {"pipelineRecordId": rid}, 409) == "流水线正在执行中"
    assert stage_codes(wait_end(ms, drain, rid)) == ["13", "14", "11"]   # second simulated failure
    assert ms.ok_post(f"{P}/retryPipelineJobRun", {"pipelineRecordId": rid}) == rid
    done = wait_end(ms, drain, rid)
    assert done["statusCd"] == "13" and stage_codes(done) == ["13", "13", "13"]
    assert ms.ok_get("/v1/product/listPackagesPage", projectId=pid)["total"] == 1  # not built twice
    assert ms.ok_get("/v1/product/listImagesPage", projectId=pid)["total"] == 1
    assert ms.fails("POST", f"{P}/retryPipelineJobRun", {"pipelineRecordId": rid}) == "流水线已执行成功，无需重试"
    assert drain(until=lambda: jobs_settled(ms), timeout=20)


def test_abort_then_resume(ms, setup, drain):
    pid, app_id = setup
    pl = make_pipeline(ms, pid, app_id, stages=STAGES[:2])
    # aborted before its first step: the first stage stops
    rid = run(ms, pl)
    assert ms.ok_post(f"{P}/pausePipeline", {"pipelineRecordId": rid}) is True
    stopped = detail(ms, rid)
    assert stopped["statusCd"] == "15" and stopped["statusCdName"] == "等待执行"
    assert stage_codes(stopped) == ["15", "11"] and stopped["endTime"]
    assert drain(until=lambda: jobs_settled(ms), timeout=20)
    assert detail(ms, rid)["statusCd"] == "15"  # the job ended without touching the stopped record
    row = ms.ok_get(f"{P}/listPipelinesPage", projectId=pid)["list"][0]
    assert (row["enableRun"], row["enablePause"], row["enableResume"]) == (True, False, True)
    assert ms.fails("POST", f"{P}/pausePipeline", {"pipelineRecordId": rid}) == "流水线未在执行中，不能中止"
    assert ms.ok_post(f"{P}/retryPipelineJobRun", {"pipelineRecordId": rid}) == rid
    # aborted in the middle: finished stages stay finished, the running one stops
    assert drain(until=lambda: detail(ms, rid)["stageList"][0]["statusCd"] == "13", timeout=30)
    if detail(ms, rid)["statusCd"] == "12":
        ms.ok_post(f"{P}/pausePipeline", {"pipelineRecordId": rid})
        mid = detail(ms, rid)
        assert mid["statusCd"] == "15" and mid["stageList"][0]["statusCd"] == "13"
        assert "15" in stage_codes(mid) and "12" not in stage_codes(mid)
        ms.ok_post(f"{P}/retryPipelineJobRun", {"pipelineRecordId": rid})
    assert stage_codes(wait_end(ms, drain, rid)) == ["13", "13"]


def test_run_while_running_and_validation(ms, setup, drain):
    pid, app_id = setup
    pl = make_pipeline(ms, pid, app_id)
    url = f"{P}/runPipeline"
    assert ms.fails("POST", url, {"pipelineOrderId": pl}) == "分支名称不能为空"
    assert ms.fails("POST", url, {"branchName": "master"}) == "流水线 ID 不能为空"
    assert ms.fails("POST", url, {"pipelineOrderId": "nope", "branchName": "master"}, 404) == "流水线不存在"
    assert ms.fails("POST", url, {"pipelineOrderId": pl, "branchName": "master",
                                  "variableList": [{"name": "A", "type": "CUSTOM"}]}) == "变量值不能为空"
    assert ms.fails("GET", f"{P}/pipelineRecorddetail", {}) == {"field": "pipelineRecordId", "message": "此属性是必填项"}
    for path in ("pausePipeline", "retryPipelineJobRun"):
        assert ms.fails("POST", f"{P}/{path}", {"pipelineRecordId": "nope"}, 404) == "流水线不存在"
        assert ms.fails("POST", f"{P}/{path}", {}) == "流水线执行记录 ID 不能为空"
    assert ms.ok_get(f"{P}/listPipelinesPage", projectId=pid)["list"][0]["enableRun"] is True
    rid = run(ms, pl)
    body = {"pipelineOrderId": pl, "branchName": "master"}
    assert ms.fails("POST", url, body, 409) == "流水线正在执行中"
    assert ms.fails("POST", f"{P}/retryPipelineJobRun", {"pipelineRecordId": rid}, 409) == "流水线正在执行中"
    assert ms.fails("POST", f"{P}/deletePipeline", {"pipelineOrderId": pl}) == "流水线正在执行中，不能删除"


def test_other_tenant_sees_nothing(ms, ms_other, setup, drain):
    pid, app_id = setup
    pl = make_pipeline(ms, pid, app_id)
    rid = run(ms, pl)
    assert ms_other.fails("POST", f"{P}/runPipeline", {"pipelineOrderId": pl, "branchName": "m"}, 404) == "流水线不存在"
    assert ms_other.fails("GET", f"{P}/pipelineRecorddetail", {"pipelineRecordId": rid}, 404) == "流水线不存在"
    assert ms_other.fails("POST", f"{P}/pausePipeline", {"pipelineRecordId": rid}, 404) == "流水线不存在"
    assert ms_other.fails("POST", f"{P}/retryPipelineJobRun", {"pipelineRecordId": rid}, 404) == "流水线不存在"
    assert ms_other.fails("POST", f"{P}/deletePipeline", {"pipelineOrderId": pl}, 404) == "流水线不存在"
    assert ms_other.fails("GET", f"{P}/listPipelinesPage", {"projectId": pid}, 404) == "项目不存在"
    other_pid = ms_other.project()
    assert ms_other.fails("POST", f"{P}/createPipeline", {"projectId": other_pid, "appId": app_id,
                                                          "pipelineOrderName": "偷", "stageList": STAGES},
                          404) == "应用不存在"


def test_member_roles_in_default_mode(ms, setup, drain):
    pid, app_id = setup
    dev, guest = ms.sub_account(), ms.sub_account()
    add_member(ms, pid, dev, roles=(2,))
    add_member(ms, pid, guest, roles=(5,))
    pl = make_pipeline(ms, pid, app_id)
    assert guest.ok_get(f"{P}/listPipelinesPage", projectId=pid)["total"] == 1
    assert guest.fails("POST", f"{P}/runPipeline", {"pipelineOrderId": pl, "branchName": "m"},
                       403) == "您没有该流水线的执行权限"
    rid = dev.ok_post(f"{P}/runPipeline", {"pipelineOrderId": pl, "branchName": "m"})
    assert guest.ok_get(f"{P}/pipelineRecorddetail", pipelineRecordId=rid)["createStaff"] == dev.username
    assert guest.fails("POST", f"{P}/pausePipeline", {"pipelineRecordId": rid}, 403) == "您没有该流水线的执行权限"
    assert dev.fails("POST", f"{P}/deletePipeline", {"pipelineOrderId": pl}, 403) == "您没有该流水线的管理权限"
    # the developer's own pipeline is managed by it
    mine = make_pipeline(dev, pid, app_id)
    assert dev.ok_post(f"{P}/deletePipeline", {"pipelineOrderId": mine}) is True
