#!/usr/bin/env bash
# Register a running Iris's /mcp with Claude Code by hand, then check that Claude Code connects to it.
# (`litestar iris mcp install` does the same, making the key for you.)
#
#   IRIS_URL=http://127.0.0.1:1615 IRIS_API_KEY=iris_sk_... ./claude-mcp-add.sh
#
# CLAUDE names the Claude Code binary (default: `claude` on PATH). The entry goes to Claude Code's user
# config (~/.claude.json, or CLAUDE_CONFIG_DIR); remove it with `claude mcp remove iris --scope user`.
set -euo pipefail

: "${IRIS_URL:?set IRIS_URL, e.g. http://127.0.0.1:1615}"
: "${IRIS_API_KEY:?set IRIS_API_KEY (a key with team:tell, iris_sk_...)}"
CLAUDE=${CLAUDE:-claude}

"$CLAUDE" mcp add --transport http --scope user iris "${IRIS_URL%/}/mcp" \
  --header "Authorization: Bearer $IRIS_API_KEY" >/dev/null
# `mcp list` connects to every server and prints its state (`mcp get` would print the key).
"$CLAUDE" mcp list
