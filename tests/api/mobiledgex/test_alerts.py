"""MobiledgeX alert receivers (catalog §3.2 #71-#73)."""
from __future__ import annotations

from tests.api.mobiledgex.conftest import add_role, make_user

CREATE, DELETE, SHOW = "/auth/alertreceiver/create", "/auth/alertreceiver/delete", "/auth/alertreceiver/show"


def _email(org, **kw):
    return {"Name": "rx1", "Type": "email", "Severity": "error", "AppKey": {"organization": org}, **kw}


def test_create_show_delete_email_receiver(developer, operator):
    assert developer.json(CREATE, _email(developer.org)) == \
        (200, {"message": "Alert receiver created successfully"})
    status, rows = developer.json(SHOW, {})
    assert status == 200 and len(rows) == 1
    rx = rows[0]
    assert (rx["Name"], rx["Type"], rx["Severity"], rx["User"]) == ("rx1", "email", "error", developer.username)
    assert rx["Email"] == f"{developer.username}@example.com"  # defaults to the caller's address
    assert rx["AppKey"] == {"organization": developer.org}
    assert developer.json(SHOW)[1] == rows
    assert developer.json(CREATE, _email(developer.org)) == \
        (400, {"message": "Unable to create a receiver - Receiver already exists"})
    assert operator.json(SHOW, {}) == (200, [])
    # filters
    assert developer.json(SHOW, {"Severity": "info"}) == (200, [])
    assert len(developer.json(SHOW, {"AppKey": {"organization": developer.org}})[1]) == 1
    assert developer.json(SHOW, {"SlackWebhook": "https://x"}) == \
        (400, {"message": "Slack URL is not specifiable as a filter"})
    # delete by Name, Type, Severity
    assert developer.json(DELETE, {"Name": "rx1", "Type": "email", "Severity": "warning"}) == \
        (400, {"message": "Unable to delete a receiver - Receiver does not exist"})
    assert developer.json(DELETE, {"Name": "rx1", "Type": "email", "Severity": "error"}) == \
        (200, {"message": "Alert receiver deleted successfully"})
    assert developer.json(SHOW, {}) == (200, [])


def test_create_validation(developer, operator, mx_admin):
    for body, text in (
            ({**_email(developer.org), "Name": ""}, "Receiver name has to be specified"),
            ({**_email(developer.org), "Name": "bad:name"}, "Receiver name is invalid"),
            ({**_email(developer.org), "Severity": "fatal"},
             'Alert severity has to be one of "info", "warning", "error"'),
            ({**_email(developer.org), "User": "someone"},
             "User is not specifiable, current logged in user will be used"),
            ({"Name": "r", "Type": "email", "Severity": "info"},
             "Either cloudlet, cluster, app, or app instance organization must be specified"),
            ({**_email(developer.org), "Type": "sms"}, "Receiver type invalid"),
            ({**_email(developer.org), "Email": "nope"}, "Receiver email is invalid"),
            ({**_email(developer.org), "Type": "slack", "SlackChannel": "#x"},
             "Both slack URL and slack channel must be specified"),
            ({**_email(developer.org), "Type": "slack", "SlackChannel": "x", "SlackWebhook": "ftp://x"},
             "Unable to create a receiver - Invalid Slack api URL"),
            ({**_email(developer.org), "Type": "pagerduty"}, "PagerDuty Integration Key must be present"),
            ({**_email(developer.org), "Type": "pagerduty", "PagerDutyIntegrationKey": "short"},
             "PagerDuty Integration Key must contain 32 characters"),
            ({**_email(developer.org), "Region": "Mars"}, 'Region "Mars" not found'),
    ):
        assert developer.json(CREATE, body) == (400, {"message": text}), body
    assert developer.json(CREATE, raw="") == (400, {"message": "Invalid JSON data: unexpected end of JSON input"})
    # the scope org needs alert:view
    assert operator.json(CREATE, _email(developer.org)) == (403, {"message": "Forbidden"})
    assert developer.json(SHOW, {}) == (200, [])
    # operator scope: the AppInst's cloudlet org, no app details
    assert operator.json(CREATE, {"Name": "op", "Type": "email", "Severity": "info",
                                  "AppInstKey": {"cloudlet_key": {"organization": operator.org}},
                                  "AppKey": {"name": "app"}}) == \
        (400, {"message": "App details cannot be specified without AppInst, App, or Cluster organization"})
    # admins may create platform-scope receivers
    assert mx_admin.json(CREATE, {"Name": "platform", "Type": "email", "Severity": "info",
                                  "Email": "ops@example.com"})[0] == 200
    assert [r["Name"] for r in mx_admin.json(SHOW, {})[1]] == ["platform"]


def test_slack_and_pagerduty(operator):
    slack = {"Name": "sl", "Type": "slack", "Severity": "warning", "SlackChannel": "alerts",
             "SlackWebhook": "https://hooks.slack.example/x",
             "AppInstKey": {"cloudlet_key": {"organization": operator.org}}}
    assert operator.json(CREATE, slack)[0] == 200
    pd = {"Name": "pd", "Type": "pagerduty", "Severity": "error", "PagerDutyIntegrationKey": "k" * 32,
          "AppInstKey": {"cloudlet_key": {"organization": operator.org}}}
    assert operator.json(CREATE, pd)[0] == 200
    rows = {r["Name"]: r for r in operator.json(SHOW, {})[1]}
    assert rows["sl"]["SlackChannel"] == "#alerts" and "SlackWebhook" not in rows["sl"]
    assert rows["pd"]["AppInstKey"]["cloudlet_key"] == {"organization": operator.org}
    assert "PagerDutyIntegrationKey" not in rows["pd"]


def test_managers_see_and_delete_members_receivers(mx, developer):
    member = make_user(mx)
    add_role(developer, developer.org, member.username, "DeveloperContributor")
    assert member.json(CREATE, _email(developer.org))[0] == 200
    assert developer.json(SHOW, {}) == (200, [])  # own receivers by default
    assert developer.json(SHOW, {"User": member.username}) == \
        (400, {"message": "Org details must be present to see receivers"})
    rows = developer.json(SHOW, {"User": member.username, "AppKey": {"organization": developer.org}})[1]
    assert [r["User"] for r in rows] == [member.username]
    assert member.json(SHOW, {"User": developer.username, "AppKey": {"organization": developer.org}}) == \
        (403, {"message": "Forbidden"})
    body = {"Name": "rx1", "Type": "email", "Severity": "error", "User": member.username}
    assert developer.json(DELETE, body) == \
        (400, {"message": "Org details must be present to manage a specific receiver"})
    outsider = make_user(mx)
    assert outsider.json(DELETE, {**body, "AppKey": {"organization": developer.org}}) == \
        (403, {"message": "Forbidden"})
    assert developer.json(DELETE, {**body, "AppKey": {"organization": developer.org}}) == \
        (200, {"message": "Alert receiver deleted successfully"})
    assert member.json(SHOW, {}) == (200, [])
