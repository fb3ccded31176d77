#!/usr/bin/env bash
# Every Iris HTTP endpoint with curl (the WebSocket is in node-client.js), in a sensible order.
#
#   IRIS_URL=http://127.0.0.1:1615 IRIS_API_KEY=iris_sk_... IRIS_TEAM=alpha ./curl-examples.sh
#
# IRIS_API_KEY needs the admin role for the key and audit endpoints at the end. Exits non-zero on
# the first failure (curl --fail-with-body prints the server's error body). Needs curl 7.76+.
set -euo pipefail

: "${IRIS_URL:?set IRIS_URL, e.g. http://127.0.0.1:1615}"
: "${IRIS_API_KEY:?set IRIS_API_KEY (an admin key, iris_sk_...)}"
: "${IRIS_TEAM:?set IRIS_TEAM (a configured team)}"
API="${IRIS_URL%/}/api"
TEAM="$IRIS_TEAM"
UNKNOWN_ID="00000000-0000-4000-8000-000000000000"

# call METHOD PATH [JSON]: print the response body; fail on any non-2xx answer.
call() {
  local method=$1 path=$2 body=${3-}
  echo ">> $method /api$path${body:+ $body}" >&2
  local args=(--silent --show-error --fail-with-body -X "$method" -H "Authorization: Bearer $IRIS_API_KEY")
  [[ -n "$body" ]] && args+=(-H "Content-Type: application/json" --data "$body")
  curl "${args[@]}" "$API$path"
  echo
}

# expect STATUS METHOD PATH [JSON]: the call must answer STATUS (for the error paths); prints the body.
expect() {
  local status=$1 method=$2 path=$3 body=${4-} out code
  echo ">> $method /api$path (expecting $status)" >&2
  local args=(--silent --show-error -X "$method" -H "Authorization: Bearer $IRIS_API_KEY" -w '\n%{http_code}')
  [[ -n "$body" ]] && args+=(-H "Content-Type: application/json" --data "$body")
  out=$(curl "${args[@]}" "$API$path")
  code=${out##*$'\n'}
  echo "${out%$'\n'*}"
  [[ "$code" == "$status" ]] || { echo "expected HTTP $status, got $code" >&2; exit 1; }
}

# field NAME: the first string value of "NAME" in the JSON on stdin (Iris answers compact JSON).
field() { grep -o "\"$1\":\"[^\"]*\"" | head -n 1 | cut -d '"' -f 4; }

# wait_for REQUEST_ID: poll the tell's record until it reaches a terminal status.
wait_for() {
  for _ in $(seq 1 300); do
    local record status
    record=$(call GET "/requests/$1" 2>/dev/null)
    status=$(field status <<<"$record")
    case "$status" in completed | failed | cancelled | stalled) echo "$record"; return 0 ;; esac
    sleep 0.2
  done
  echo "tell $1 did not finish" >&2
  return 1
}

# --- status (health needs no key)
echo ">> GET /api/health (no key)" >&2
curl --silent --show-error --fail-with-body "$API/health"; echo
call GET /date
call GET /status
call GET "/teams?includeProcesses=true"
call GET "/teams/status?team=$TEAM"
call GET "/logs?limit=5"

# --- tells: wait for the answer (200), or return at once (202) and fetch the record later
tell=$(call POST /teams/tell "{\"toTeam\":\"$TEAM\",\"message\":\"Hello from curl\",\"timeout\":0}")
echo "$tell"
request_id=$(field requestId <<<"$tell")
session_id=$(field sessionId <<<"$tell")
call POST /teams/ask "{\"toTeam\":\"$TEAM\",\"message\":\"What did I just say?\"}"
expect 202 POST /teams/tell "{\"toTeam\":\"$TEAM\",\"message\":\"Take your time\",\"timeout\":-1}" >/dev/null
quick=$(call POST /teams/quick-tell "{\"toTeam\":\"$TEAM\",\"message\":\"Quick one\"}")
wait_for "$(field requestId <<<"$quick")"
call GET "/requests/$request_id?includeMessages=true"
expect 404 POST /teams/tell '{"toTeam":"no-such-team","message":"hi"}'

# --- streams (Server-Sent Events): a streamed tell, then the session's events replayed from seq 0
stream=$(curl --silent --show-error --fail-with-body -N -X POST -H "Authorization: Bearer $IRIS_API_KEY" \
  -H "Content-Type: application/json" --data "{\"toTeam\":\"$TEAM\",\"message\":\"Stream this\"}" \
  "$API/teams/tell/stream")
echo "$stream"
grep -q '^event: tell:complete' <<<"$stream" || { echo "no tell:complete in the stream" >&2; exit 1; }
# /api/events never ends by itself: read for 3 seconds (curl exits 28 on its --max-time).
events=$(curl --silent --show-error --fail-with-body -N --max-time 3 -H "Authorization: Bearer $IRIS_API_KEY" \
  -H "Last-Event-ID: $session_id:0" "$API/events?session=$session_id") || [[ $? == 28 ]]
head -n 12 <<<"$events"
grep -q "^id: $session_id:" <<<"$events" || { echo "no session events replayed" >&2; exit 1; }

# --- the session's cache and report
call GET "/cache/$session_id?limit=5&includeMessages=false"
call GET "/teams/$TEAM/report?limit=2"

# --- processes
call POST "/teams/$TEAM/wake" '{}'
expect 202 POST "/teams/$TEAM/launch" '{}'
call POST "/teams/$TEAM/sleep" '{"force":false}'
call POST /teams/wake-all '{"parallel":true}'

# --- sessions: fork, tell the fork, delete it; cancel; compact; clear the cache; reboot
fork=$(call POST "/teams/$TEAM/fork" '{}')
echo "$fork"
fork_id=$(field sessionId <<<"$fork")
call POST /teams/tell "{\"toTeam\":\"$TEAM\",\"sessionId\":\"$fork_id\",\"message\":\"On the fork\"}"
call DELETE "/teams/$TEAM/delete?sessionId=$fork_id"
call POST "/teams/$TEAM/cancel" '{"dropQueued":true}'
compact=$(expect 202 POST "/teams/$TEAM/compact" '{"timeout":-1}')
wait_for "$(field requestId <<<"$compact")"
call DELETE "/cache/$session_id"
call DELETE "/teams/$TEAM/reboot"

# --- permissions (tool-use requests of teams with grantPermission: ask)
call GET /permissions
expect 404 POST "/permissions/$UNKNOWN_ID" '{"decision":"deny","reason":"nothing to decide"}'

# --- keys and the audit log (admin)
key=$(call POST /keys '{"name":"curl-example","role":"viewer","expiresInDays":1}')
key_id=$(field id <<<"$key")
call GET "/keys?active=true&limit=5"
call DELETE "/keys/$key_id"
call GET "/audit?limit=5"

echo "all endpoints answered" >&2
