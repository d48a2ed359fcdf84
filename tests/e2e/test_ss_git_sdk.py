"""ServiceStage Git (chapter 6) over real HTTP with the official SDK (huaweicloudsdkservicestage.v2, AK/SK
signed) on the embedded Git host: personal authorization, namespaces, a project, files committed, read back
(Base64) and changed with their blob sha, tags, commits, hooks, clean-up."""
from __future__ import annotations

import base64

import pytest
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkservicestage.v2 import (
    AccessToken, CreateFileRequest, CreateHookRequest, CreatePersonalAuthRequest, CreateProjectRequest,
    CreateTagRequest, DeleteAuthorizeRequest, DeleteFileRequest, DeleteHookRequest, DeleteTagRequest, FileCreate,
    FileUpdate, HookCreate, ListAuthorizationsRequest, ListBranchesRequest, ListCommitsRequest, ListHooksRequest,
    ListNamespacesRequest, ListProjectsRequest, ListTagsRequest, ListTreesRequest, ProjectCreate,
    ServiceStageClient, ShowContentRequest, ShowProjectDetailRequest, TagCreate, UpdateFileRequest,
)

from tests.e2e.conftest import huawei_client



@pytest.fixture(scope="module")
def client(stack):
    return huawei_client(stack, ServiceStageClient, "ssgit")


def test_git_with_the_sdk(client):
    auth = client.create_personal_auth(CreatePersonalAuthRequest(
        repo_type="edgeplane", body=AccessToken(name="local", token="sdk-token"))).authorization
    assert auth.name == "local" and auth.token_type == "personal" and isinstance(auth.create_time, int)
    listed = client.list_authorizations(ListAuthorizationsRequest())
    assert listed.count == 1 and listed.authorizations[0].name == "local"
    a = "local"
    ns = client.list_namespaces(ListNamespacesRequest(x_repo_auth=a)).namespaces[0].name
    p = client.create_project(CreateProjectRequest(x_repo_auth=a, namespace=ns, body=ProjectCreate(name="svc")))
    assert p.name == "svc" and p.clone_url.endswith(f"/{ns}/svc.git")
    assert [x.name for x in client.list_projects(ListProjectsRequest(x_repo_auth=a, namespace=ns)).projects] == ["svc"]
    info = client.show_project_detail(ShowProjectDetailRequest(x_repo_auth=a, clone_url=p.clone_url))
    assert info.project_id == p.id and info.namespace == ns
    assert client.list_branches(ListBranchesRequest(x_repo_auth=a, namespace=ns, project="svc")).branches == ["main"]
    # a nested path, as the document writes it (':') and as the SDK encodes '/' (%2F)
    client.create_file(CreateFileRequest(x_repo_auth=a, namespace=ns, project="svc", path="src:main.py", ref="main",
                                         body=FileCreate(message="add main", content=base64.b64encode(b"v1").decode())))
    f = client.show_content(ShowContentRequest(x_repo_auth=a, namespace=ns, project="svc", path="src/main.py",
                                               ref="main"))
    assert base64.b64decode(f.content) == b"v1" and f.encoding == "base64"
    client.update_file(UpdateFileRequest(x_repo_auth=a, namespace=ns, project="svc", path="src:main.py", ref="main",
                                         body=FileUpdate(message="v2", content=base64.b64encode(b"v2").decode(),
                                                         sha=f.sha)))
    with pytest.raises(ClientRequestException) as exc:
        client.update_file(UpdateFileRequest(x_repo_auth=a, namespace=ns, project="svc", path="src:main.py",
                                             ref="main", body=FileUpdate(message="v3", content="djM=", sha=f.sha)))
    assert exc.value.status_code == 400 and exc.value.error_code == "SVCSTG.REPO.0400"
    paths = client.list_trees(ListTreesRequest(x_repo_auth=a, namespace=ns, project="svc", ref="main")).paths
    assert paths == ["README.md", "src/main.py"]
    commits = client.list_commits(ListCommitsRequest(x_repo_auth=a, namespace=ns, project="svc")).commits
    assert [c.message for c in commits] == ["v2\n", "add main\n", "Initial commit\n"]
    client.create_tag(CreateTagRequest(x_repo_auth=a, namespace=ns, project="svc", ref="main",
                                       body=TagCreate(name="v1.0.0", description="release")))
    assert client.list_tags(ListTagsRequest(x_repo_auth=a, namespace=ns, project="svc")).tags == ["v1.0.0"]
    hook = client.create_hook(CreateHookRequest(x_repo_auth=a, namespace=ns, project="svc",
                                                body=HookCreate(secret="s", url="https://example.com/hook")))
    assert [h.id for h in client.list_hooks(ListHooksRequest(x_repo_auth=a, namespace=ns, project="svc")).hooks] \
        == [hook.id]
    client.delete_hook(DeleteHookRequest(x_repo_auth=a, namespace=ns, project="svc", hook_id=hook.id))
    client.delete_tag(DeleteTagRequest(x_repo_auth=a, namespace=ns, project="svc", tag_name="v1.0.0"))
    cur = client.show_content(ShowContentRequest(x_repo_auth=a, namespace=ns, project="svc", path="src:main.py",
                                                 ref="main"))
    client.delete_file(DeleteFileRequest(x_repo_auth=a, namespace=ns, project="svc", path="src:main.py", ref="main",
                                         message="rm", sha=cur.sha))
    assert client.list_trees(ListTreesRequest(x_repo_auth=a, namespace=ns, project="svc", ref="main")).paths \
        == ["README.md"]
    assert client.list_tags(ListTagsRequest(x_repo_auth=a, namespace=ns, project="svc")).tags == []
    client.delete_authorize(DeleteAuthorizeRequest(name="local"))
    assert client.list_authorizations(ListAuthorizationsRequest()).count == 0
