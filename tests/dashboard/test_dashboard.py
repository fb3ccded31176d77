"""The dashboard in a real chromium against a live Iris on the stand-in: signing in, the fleet, tells, permissions.

Each test works on a team/caller pair of its own (or keys of its own), so the tests can share one server.
"""

from __future__ import annotations

import itertools
import json
import re
from typing import Any

from playwright.sync_api import Page, Response, WebSocket, WebSocketRoute, expect

from tests.dashboard.conftest import TEAMS, Dashboard, Pages, screenshot, sign_in, violations, wait_for
from tests.support.waiting import until_sync

RECORD_STREAMING = """
window.__streamed = [];
new MutationObserver(() => {
  const region = document.querySelector('[data-testid="streaming"]');
  const text = region ? region.textContent : null;
  const seen = window.__streamed;
  if (text && text !== seen[seen.length - 1]) seen.push(text);
}).observe(document, { subtree: true, childList: true, characterData: true });
"""
"""An init script: every text the streaming region shows, in order, into `window.__streamed`."""

ECHO = re.compile(r"echo\[n=\d+\]: (.*)", re.DOTALL)


def open_conversation(page: Page, dashboard: Dashboard, team: str, caller: str = "external") -> None:
    """Go to the conversation of caller -> team in a signed-in page."""
    page.goto(f"{dashboard.url}#/conversation/{team}/{caller}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(team)


def send(page: Page, message: str) -> None:
    """Type a message in the tell box and send it."""
    page.get_by_label("Message").fill(message)
    page.get_by_role("button", name="Send").click()


def finished(page: Page, status: str) -> str:
    """Wait until the tell ends with `status`; the final response shown."""
    expect(page.get_by_test_id("tell-status")).to_have_text(status, timeout=60_000)
    return page.get_by_test_id("final-response").inner_text()


def streamed(page: Page) -> list[str]:
    """The texts the streaming region showed so far, in order (RECORD_STREAMING)."""
    texts: list[str] = page.evaluate("window.__streamed")
    return texts


def assert_streamed_once(texts: list[str], final: str, message: str) -> None:
    """The region showed the answer piece by piece, each text a prefix of the next, ending with the final one."""
    answer = ECHO.fullmatch(final.strip())
    assert answer is not None and answer.group(1) == message, final
    shown = [text.strip() for text in texts]
    assert shown[-1] == final.strip(), shown
    assert any(0 < len(text) < len(final.strip()) for text in shown), f"no text shown before the end: {shown}"
    for before, after in itertools.pairwise(shown):
        assert after.startswith(before), f"{after!r} does not continue {before!r}"


def watch_api_calls(page: Page) -> list[str]:
    """The address of every API request the page makes from now on."""
    calls: list[str] = []
    page.on("request", lambda request: calls.append(request.url) if "/api/" in request.url else None)
    return calls


def test_sign_in_shows_the_three_teams_and_the_key_name(page: Page, dashboard: Dashboard) -> None:
    sign_in(page, dashboard.url, dashboard.keys.admin)
    for team in TEAMS:
        expect(page.get_by_role("region", name=team, exact=True)).to_be_visible()
    expect(page.get_by_role("region", name="Health")).to_be_visible()
    expect(page.get_by_role("banner")).to_contain_text("dash-admin")
    nav = page.get_by_role("navigation", name="Main")
    for link in ("Fleet", "Logs", "Audit", "Keys"):
        expect(nav.get_by_role("link", name=link)).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_a_bad_key_is_refused_with_a_message(page: Page, dashboard: Dashboard) -> None:
    page.goto(dashboard.url)
    page.get_by_label("API key").fill("iris_sk_not-a-key")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).not_to_be_empty()
    expect(page.get_by_label("API key")).to_be_visible()
    assert page.evaluate("sessionStorage.getItem('iris.apiKey')") is None


def test_a_tell_streams_and_the_streamed_text_is_the_final_response(page: Page, dashboard: Dashboard) -> None:
    page.add_init_script(RECORD_STREAMING)
    sign_in(page, dashboard.url, dashboard.keys.admin)
    open_conversation(page, dashboard, "alpha")
    message = "#slow:8:250 streamed piece by piece"
    send(page, message)
    expect(page.get_by_role("region", name="Response")).to_be_visible()
    final = finished(page, "completed")
    assert_streamed_once(streamed(page), final, message)
    record = dashboard.latest_tell("alpha")
    assert (record["message"], record["status"], record["response"]) == (message, "completed", final.strip())
    entries = page.get_by_role("list", name="History")
    expect(entries).to_contain_text(message)
    expect(entries).to_contain_text("external → alpha")

    page.get_by_role("button", name="Fork").click()
    command = page.get_by_role("status").locator("code")
    expect(command).to_contain_text("--resume ")
    with dashboard.api() as api:
        session = api.get("/api/teams/alpha/report", params={"limit": 1}).json()["session"]
    assert f"--resume {session['sessionId']}" in command.inner_text()  # the server's command, as it gave it


def test_a_slow_tell_is_cancelled(page: Page, dashboard: Dashboard) -> None:
    page.add_init_script(RECORD_STREAMING)
    sign_in(page, dashboard.url, dashboard.keys.admin)
    open_conversation(page, dashboard, "gamma")
    message = "#slow:60:500 thirty seconds to cancel"
    send(page, message)
    wait_for(page, "window.__streamed.length > 0")
    page.get_by_role("button", name="Cancel").click()
    finished(page, "cancelled")
    record = dashboard.latest_tell("gamma")
    assert (record["message"], record["status"]) == (message, "cancelled")
    expect(page.get_by_role("button", name="Cancel")).to_have_count(0)


def test_one_permission_is_approved_and_another_denied(page: Page, dashboard: Dashboard, axe_source: str) -> None:
    page.add_init_script(axe_source)
    sign_in(page, dashboard.url, dashboard.keys.admin)
    open_conversation(page, dashboard, "beta")
    folder = dashboard.root / "projects" / "beta"  # where beta's Claude Code runs its commands
    approved, denied = folder / "approved.txt", folder / "denied.txt"

    send(page, f"#bash:echo yes > {approved.name}")
    dialog = page.get_by_role("alertdialog", name="Permission request")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Bash")
    expect(dialog).to_contain_text(f"echo yes > {approved.name}")
    expect(dialog).to_contain_text("beta")
    expect(dialog.get_by_test_id("countdown")).to_have_text(re.compile(r"\d+"))
    assert violations(page) == []
    screenshot(page, "permission")
    dialog.get_by_label("Reason").fill("writes a file in the test's folder")
    dialog.get_by_role("button", name="Approve").click()
    expect(dialog).to_be_hidden()
    assert "tool said" in finished(page, "completed")
    assert approved.read_text().strip() == "yes"
    assert dashboard.latest_tell("beta")["response"].startswith("tool said")

    send(page, f"#bash:echo no > {denied.name}")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(f"echo no > {denied.name}")
    dialog.get_by_label("Reason").fill("not this one")
    dialog.get_by_role("button", name="Deny").click()
    expect(dialog).to_be_hidden()
    assert "tool error" in finished(page, "completed")
    assert not denied.exists()
    assert dashboard.latest_tell("beta")["response"].startswith("tool error")
    with dashboard.api() as api:
        pending = api.get("/api/permissions").json()
    assert "beta" not in json.dumps(pending), pending


def test_a_viewer_key_sees_no_tell_box_nor_admin_pages_and_makes_no_forbidden_request(
    page: Page, dashboard: Dashboard
) -> None:
    refused: list[str] = []

    def watch(response: Response) -> None:
        if response.status == 403:
            refused.append(f"{response.request.method} {response.url}")

    def watch_socket(socket: WebSocket) -> None:
        def frame(payload: str | bytes) -> None:
            event = json.loads(payload)
            if event.get("event") == "error" and event["data"].get("statusCode") == 403:
                refused.append(f"WebSocket: {event['data']}")

        socket.on("framereceived", frame)

    page.on("response", watch)
    page.on("websocket", watch_socket)
    sign_in(page, dashboard.url, dashboard.keys.viewer)
    expect(page.get_by_role("region", name="alpha", exact=True)).to_be_visible()
    for team in ("beta", "gamma"):
        expect(page.get_by_role("region", name=team, exact=True)).to_have_count(0)
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Fleet")).to_be_visible()
    for link in ("Logs", "Audit", "Keys"):
        expect(nav.get_by_role("link", name=link)).to_have_count(0)
    for action in ("Wake", "Launch", "Sleep", "Force sleep", "Reboot", "Delete"):
        expect(page.get_by_role("button", name=action, exact=True)).to_have_count(0)

    open_conversation(page, dashboard, "alpha")
    expect(page.get_by_role("list", name="History")).to_be_visible()
    expect(page.get_by_label("Message")).to_have_count(0)
    expect(page.get_by_role("button", name="Send")).to_have_count(0)
    for route, heading in (("keys", "Keys"), ("audit", "Audit"), ("logs", "Logs")):
        page.goto(f"{dashboard.url}#/{route}")
        expect(page.get_by_role("main")).not_to_contain_text("Loading")
        expect(page.get_by_role("heading", name=heading, level=1)).to_have_count(0)
        expect(page.get_by_role("table")).to_have_count(0)
    page.wait_for_load_state("networkidle")
    assert refused == []


def test_a_key_made_on_the_keys_page_works_and_once_revoked_there_is_signed_out(
    pages: Pages, dashboard: Dashboard
) -> None:
    admin = pages.open()
    sign_in(admin, dashboard.url, dashboard.keys.admin)
    admin.get_by_role("navigation", name="Main").get_by_role("link", name="Keys").click()
    expect(admin.get_by_role("heading", name="Keys", level=1)).to_be_visible()
    form = admin.get_by_role("form", name="Create key")
    form.get_by_label("Name").fill("dash-made-here")
    form.get_by_label("Role").select_option("viewer")
    form.get_by_label("Teams").fill("gamma")
    form.get_by_role("button", name="Create").click()
    shown = admin.get_by_test_id("new-key")
    expect(shown).to_have_text(re.compile(r"^iris_sk_\S+$"))
    key = shown.inner_text().strip()
    admin.get_by_role("button", name="Done").click()
    expect(admin.get_by_test_id("new-key")).to_have_count(0)
    expect(admin.get_by_text(key)).to_have_count(0)  # shown once

    user = pages.open()
    sign_in(user, dashboard.url, key)
    expect(user.get_by_test_id("key-name")).to_have_text("dash-made-here")
    expect(user.get_by_role("region", name="gamma", exact=True)).to_be_visible()
    expect(user.get_by_role("region", name="alpha", exact=True)).to_have_count(0)

    admin.get_by_role("button", name="Revoke dash-made-here").click()
    admin.get_by_role("dialog").get_by_role("button", name="Confirm").click()
    expect(admin.get_by_role("button", name="Revoke dash-made-here")).to_have_count(0)
    expect(user.get_by_role("alert")).to_contain_text("revoked")  # its WebSocket is closed within 2 s
    expect(user.get_by_label("API key")).to_be_visible()
    assert user.evaluate("sessionStorage.getItem('iris.apiKey')") is None


def test_a_revoked_key_is_signed_out_on_its_next_request(page: Page, dashboard: Dashboard) -> None:
    forward = [True]

    def keep_open(ws: WebSocketRoute) -> None:
        server = ws.connect_to_server()
        server.on_close(lambda code, reason: None)
        ws.on_message(server.send)
        server.on_message(lambda message: ws.send(message) if forward[0] else None)

    page.route_web_socket(re.compile(r"/ws$"), keep_open)
    key_id, key = dashboard.new_key("dash-to-revoke")
    sign_in(page, dashboard.url, key)
    forward[0] = False  # neither the socket's error event nor its 4401 reaches the page: only the 401 says it
    with dashboard.api() as api:
        assert api.delete(f"/api/keys/{key_id}").status_code == 200
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Audit").click()  # a request: 401
    expect(page.get_by_role("alert")).to_contain_text("revoked")
    expect(page.get_by_label("API key")).to_be_visible()
    assert page.evaluate("sessionStorage.getItem('iris.apiKey')") is None


def test_a_team_is_woken_and_force_slept_after_confirming(pages: Pages, dashboard: Dashboard) -> None:
    page = pages.open()
    sign_in(page, dashboard.url, dashboard.keys.admin)
    alpha = page.get_by_role("region", name="alpha", exact=True)
    alpha.get_by_label("Caller").select_option("beta")
    alpha.get_by_role("button", name="Wake", exact=True).click()
    row = alpha.get_by_role("row").filter(has=page.get_by_role("cell", name="beta", exact=True))
    expect(row).to_have_attribute("data-state", "idle", timeout=60_000)
    pid = int(row.get_by_role("cell").nth(2).inner_text())
    assert pid > 0

    alpha.get_by_role("button", name="Force sleep").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("alpha")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    expect(row).to_have_attribute("data-state", "idle")  # cancelled: nothing was done

    alpha.get_by_role("button", name="Force sleep").click()
    dialog.get_by_role("button", name="Confirm").click()
    expect(row).to_have_attribute("data-state", "stopped", timeout=30_000)
    with dashboard.api() as api:
        teams = api.get("/api/teams/status").text
    assert f'"pid":{pid}' not in teams.replace(" ", "")

    later = pages.open()  # a page opened now shows the session asleep, from what the server stored
    sign_in(later, dashboard.url, dashboard.keys.admin)
    asleep = later.get_by_role("region", name="alpha", exact=True).get_by_role("row")
    expect(asleep.filter(has=later.get_by_role("cell", name="beta", exact=True))).to_have_attribute(
        "data-state", "stopped"
    )


def test_a_key_in_the_address_is_stored_and_removed_from_the_address(page: Page, dashboard: Dashboard) -> None:
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    page.goto(f"{dashboard.url}#key={dashboard.keys.admin}")
    expect(page.get_by_role("heading", name="Fleet", level=1)).to_be_visible()
    assert page.url == f"{dashboard.url}#/fleet"
    assert page.evaluate("sessionStorage.getItem('iris.apiKey')") == dashboard.keys.admin
    assert page.evaluate("JSON.stringify(localStorage)").find(dashboard.keys.admin) == -1
    assert not [url for url in urls if dashboard.keys.admin in url]
    page.reload()
    expect(page.get_by_role("heading", name="Fleet", level=1)).to_be_visible()  # the tab stays signed in
    page.go_back()  # the address with the key was replaced, not pushed: Back does not lead to it
    assert dashboard.keys.admin not in page.url


def test_the_websocket_drops_and_comes_back_without_losing_or_repeating_text(page: Page, dashboard: Dashboard) -> None:
    connections: list[dict[str, Any]] = []

    def proxy(ws: WebSocketRoute) -> None:
        server = ws.connect_to_server()
        connection: dict[str, Any] = {"page": ws, "server": server, "sent": []}

        def upstream(message: str | bytes) -> None:
            connection["sent"].append(message)
            server.send(message)

        ws.on_message(upstream)
        server.on_message(ws.send)
        connections.append(connection)

    page.route_web_socket(re.compile(r"/ws$"), proxy)
    page.add_init_script(RECORD_STREAMING)
    sign_in(page, dashboard.url, dashboard.keys.admin)
    open_conversation(page, dashboard, "gamma", "alpha")
    message = "#slow:16:400 through a dropped socket"
    send(page, message)
    wait_for(page, "window.__streamed.length >= 2")
    first = connections[-1]
    before = len(connections)
    first["server"].close(code=1011, reason="dropped by the test")
    first["page"].close(code=1011, reason="dropped by the test")
    final = finished(page, "completed")
    assert len(connections) > before, "the page did not reconnect"
    resubscribed = [json.loads(m) for c in connections[before:] for m in c["sent"] if isinstance(m, str)]
    assert any(m["event"] == "cache:subscribe" and "afterSeq" in m["data"] for m in resubscribed), resubscribed
    assert_streamed_once(streamed(page), final, message)
    assert dashboard.latest_tell("gamma", "alpha")["response"] == final.strip()
    history = page.get_by_role("list", name="History")
    expect(history).to_contain_text("alpha → gamma")
    expect(history.get_by_text(final.strip(), exact=False)).to_have_count(1)


def test_both_ways_of_serving_load_and_sign_in(pages: Pages, dashboard: Dashboard) -> None:
    for url in (dashboard.url, dashboard.own_url):
        page = pages.open()
        api_calls = watch_api_calls(page)
        sign_in(page, url, dashboard.keys.admin)
        for team in TEAMS:
            expect(page.get_by_role("region", name=team, exact=True)).to_be_visible()
        assert page.url.startswith(url)
        assert api_calls and all(call.startswith(f"{dashboard.server.url}/api/") for call in api_calls), api_calls


def test_the_logs_tail_live_and_filter_by_level(page: Page, dashboard: Dashboard) -> None:
    sign_in(page, dashboard.url, dashboard.keys.admin)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Logs").click()
    expect(page.get_by_role("heading", name="Logs", level=1)).to_be_visible()
    records = page.get_by_role("list", name="Log records").get_by_role("listitem")
    expect(records.first).to_be_visible()
    polls: list[str] = []  # the tail comes over the WebSocket (log:record), not by reading /api/logs again
    page.on("request", lambda request: polls.append(request.url) if "/api/logs" in request.url else None)
    with dashboard.api() as api:  # a process starts: the server logs it
        before = api.get("/api/logs", params={"limit": 1}).json()["items"][0]
        assert api.post("/api/teams/gamma/wake", json={"fromTeam": "beta"}).status_code == 200
        logged = api.get("/api/logs", params={"limit": 1}).json()["items"][0]
    assert logged != before
    assert {"team": "gamma", "fromTeam": "beta"}.items() <= (logged.get("context") or {}).items(), logged
    line = records.filter(has_text=logged["message"]).filter(has_text="team=gamma").filter(has_text="fromTeam=beta")
    expect(line.first).to_be_visible()  # no reload: nothing else here wakes gamma for beta
    assert page.evaluate("performance.getEntriesByType('navigation').length") == 1
    assert polls == [], polls

    page.get_by_label("Level").select_option("error")
    expect(records.and_(page.locator("[data-level=info]"))).to_have_count(0)
    page.get_by_label("Level").select_option("")
    expect(records.and_(page.locator("[data-level=info]")).first).to_be_visible()


def test_signing_in_and_moving_around_by_keyboard(page: Page, dashboard: Dashboard) -> None:
    page.goto(dashboard.url)
    expect(page.get_by_label("API key")).to_be_visible()
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement?.getAttribute('type')") == "password":
            break
    expect(page.get_by_label("API key")).to_be_focused()
    page.keyboard.type(dashboard.keys.admin)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Fleet", level=1)).to_be_visible()
    keys = page.get_by_role("navigation", name="Main").get_by_role("link", name="Keys")
    for _ in range(15):
        page.keyboard.press("Tab")
        if keys.evaluate("link => link === document.activeElement"):
            break
    expect(keys).to_be_focused()
    outline = keys.evaluate("link => getComputedStyle(link).outlineStyle + ' ' + getComputedStyle(link).boxShadow")
    assert outline != "none none", "no visible focus"
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Keys", level=1)).to_be_visible()


def test_pending_permissions_queue_in_the_pop_up_on_any_page(page: Page, dashboard: Dashboard) -> None:
    sign_in(page, dashboard.url, dashboard.keys.admin)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Audit").click()
    folder = dashboard.root / "projects" / "beta"
    files = {"external": folder / "queued-external.txt", "gamma": folder / "queued-gamma.txt"}
    with dashboard.api() as api:
        for caller, file in files.items():
            body = {"toTeam": "beta", "fromTeam": caller, "message": f"#bash:echo {caller} > {file.name}"}
            assert api.post("/api/teams/tell", json={**body, "timeout": 100}).status_code == 202
    dialog = page.get_by_role("alertdialog", name="Permission request")
    expect(dialog).to_contain_text("1 of 2")
    expect(page.get_by_role("heading", name="Audit", level=1)).to_be_visible()  # it came to the page the person is on
    first = "external" if "external →" in dialog.inner_text() else "gamma"
    second = "gamma" if first == "external" else "external"
    dialog.get_by_role("button", name="Approve").click()
    expect(dialog).to_contain_text("1 of 1")
    expect(dialog).to_contain_text(f"{second} → beta")
    dialog.get_by_role("button", name="Deny").click()
    expect(dialog).to_be_hidden()
    for caller, said in ((first, "tool said"), (second, "tool error")):

        def ended(caller: str = caller) -> dict[str, Any] | None:
            record = dashboard.latest_tell("beta", caller)
            return record if record["status"] == "completed" else None

        record = until_sync(ended, what=f"the tell {caller} -> beta to end")
        assert record["response"].startswith(said), record
    assert files[first].read_text().strip() == first
    assert not files[second].exists()


def test_history_pages_to_older_tells_and_the_audit_log_filters_by_key_and_event(
    page: Page, dashboard: Dashboard
) -> None:
    key_id, key = dashboard.new_key("dash-history")  # its own key: the rate limit counts per key
    with dashboard.api(key) as api:
        for n in range(23):
            body = {"toTeam": "alpha", "fromTeam": "gamma", "message": f"told {n:02d}"}
            answer = api.post("/api/teams/tell", json=body)
            assert answer.status_code == 200 and answer.json()["status"] == "completed", answer.text
        assert api.post("/api/teams/gamma/wake", json={"fromTeam": "alpha"}).status_code == 200
    sign_in(page, dashboard.url, key)
    open_conversation(page, dashboard, "alpha", "gamma")
    history = page.get_by_role("list", name="History")
    entries = history.locator("li.conv-entry")
    expect(entries).to_have_count(20)  # the newest page: told 03 .. told 22
    expect(entries.first).to_contain_text("told 03")
    expect(history).not_to_contain_text("told 02")
    page.get_by_role("button", name="Older").click()
    expect(entries).to_have_count(23)
    expect(entries.first).to_contain_text("told 00")
    expect(page.get_by_role("button", name="Older")).to_have_count(0)
    texts = [entries.nth(i).inner_text() for i in range(23)]
    assert [f"told {n:02d}" in text for n, text in enumerate(texts)] == [True] * 23, texts

    page.goto(f"{dashboard.url}#/audit")
    filters = page.get_by_role("form", name="Filters")
    filters.get_by_label("Key id").fill(key_id)
    filters.get_by_label("Event").select_option("tell")
    filters.get_by_role("button", name="Apply").click()
    rows = page.locator("tr[data-event]")
    expect(rows).to_have_count(23)
    assert set(rows.evaluate_all("rows => rows.map(row => row.dataset.event)")) == {"tell"}
    filters.get_by_label("Event").select_option("wake")
    filters.get_by_role("button", name="Apply").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("alpha → gamma")
