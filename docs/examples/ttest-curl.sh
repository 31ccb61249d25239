#!/usr/bin/env bash
# Uploads a CSV to a PanthR server and runs a t-test with curl alone, using a personal
# access token (API 1.1) and Socket.IO's HTTP long-polling transport (Engine.IO 4):
# open a session, CONNECT with {"token"}, send `data` events, poll for the replies.
# Usage: PANTHR_URL=https://stats.example.org PANTHR_TOKEN=pat_... ./ttest-curl.sh data.csv y group
set -euo pipefail
file=$1 y=$2 group=${3:-}
url=${PANTHR_URL:-http://localhost}
: "${PANTHR_TOKEN:?set PANTHR_TOKEN to a token with the compute scope}"
eio="$url/socket.io/?EIO=4&transport=polling"

# A token works on the REST API as well: which workspace will the data go to?
curl -sf -H "Authorization: Bearer $PANTHR_TOKEN" "$url/api/v1/workspaces" >/dev/null

# 1. An Engine.IO session: the answer is `0{"sid":"...",...}`.
sid=$(curl -sf "$eio" | sed -E 's/^0\{"sid":"([^"]+)".*/\1/')
# One long poll; Engine.IO packets are separated by 0x1e. A ping (`2`) is answered (`3`).
poll() {
  local out
  out=$(curl -sf "$eio&sid=$sid" | tr '\036' '\n')
  if grep -qx 2 <<<"$out"; then send 3; fi
  echo "$out"
}
send() { curl -sf -X POST -H 'Content-Type: text/plain;charset=UTF-8' --data-binary "$1" "$eio&sid=$sid" >/dev/null; }

# 2. Socket.IO CONNECT with the token; every server `data` is acknowledged with `ok`.
send "40{\"token\":\"$PANTHR_TOKEN\"}"
ack() { sed -nE 's/^42\["data",\{"seq":([0-9]+).*/42["ok",{"seq":\1}]/p' <<<"$1" | while read -r ok; do send "$ok"; done; }

# Sends one `data` message and polls until its reply; prints the reply's line.
request() {
  send "42[\"data\",{\"seq\":$1,\"objects\":[$2]}]"
  for _ in $(seq 1 60); do
    out=$(poll)
    ack "$out"
    reply=$(grep -E "\"replyTo\":$1[,}]" <<<"$out" || true)
    if [ -n "$reply" ]; then echo "$reply"; return; fi
  done
  echo "no reply to message $1" >&2; exit 1
}

# 3. The CSV as a JSON string (node, python3 or jq would do; jq is the smallest).
csv=$(jq -Rs . <"$file")
ack "$(poll)" # the connect answer and the workspace
request 1 "{\"type\":\"command\",\"name\":\"data\",\"command\":\"read\",\"format\":\"csv\",\"text\":$csv}" >/dev/null
vars="\"$y\""; [ -n "$group" ] && vars="$vars,\"$group\""
reply=$(request 2 "{\"type\":\"test\",\"name\":\"ttest\",\"test\":\"t.test\",\"dataset\":\"data\",\"variables\":[$vars]}")
# 4. The result: the `data` event's payload, its first object's `result`.
sed -E 's/^42\["data",//; s/\]$//' <<<"$reply" | jq -c '.objects[0] | if .type == "error" then error(.message) else .result | {method, statistic, df, p_value} end'
