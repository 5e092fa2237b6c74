#!/usr/bin/env bash
# What a deploy run on main must cover, written to $GITHUB_ENV for the steps after it:
#   NX_SCOPE=affected with NX_BASE = the commit of the last successful deploy (an ancestor of HEAD),
#   so a failed deploy is retried by the next push; or NX_SCOPE=run-many (everything) when there is
#   no such commit: the first deploy, or a history rewritten since.
# Needs GH_TOKEN (actions: read) and a full clone (fetch-depth: 0).
set -euo pipefail
base=$(gh run list --workflow deploy.yml --branch main --status success --limit 1 --json headSha --jq '.[0].headSha // empty')
if [ -n "$base" ] && git merge-base --is-ancestor "$base" HEAD 2>/dev/null; then
  echo "deploying what changed since the last successful deploy, $base"
  { echo "NX_SCOPE=affected"; echo "NX_BASE=$base"; echo "NX_HEAD=$(git rev-parse HEAD)"; } >> "$GITHUB_ENV"
else
  echo "no successful deploy in this history${base:+ ($base is not an ancestor of HEAD)}: checking and deploying everything"
  echo "NX_SCOPE=run-many" >> "$GITHUB_ENV"
fi
