#!/usr/bin/env bash
# The Vault side of the PR checks: JWT auth trusting the forge's OIDC
# issuer, and a role per forge bound by claims to this repository's merge
# requests, with the read-only plan policy (syncd render -o
# vault-policy-readonly) for ten minutes, no default policy. Run it with a
# token allowed to write policies and auth methods. Set REPOSITORY (GitHub
# owner/name) and/or GITLAB_PROJECT (group/project) and GITLAB_URL.
set -euo pipefail
cd "$(dirname "$0")/../.."
syncd render -o vault-policy-readonly > examples/ci/plan-readonly-policy.hcl
vault policy write syncd-plan examples/ci/plan-readonly-policy.hcl
role=(role_type=jwt user_claim=sub bound_audiences=vault token_policies=syncd-plan
  token_ttl=10m token_max_ttl=10m token_no_default_policy=true)
if [ -n "${REPOSITORY:-}" ]; then
  vault auth enable -path=jwt-github jwt 2>/dev/null || true
  vault write auth/jwt-github/config oidc_discovery_url=https://token.actions.githubusercontent.com \
    bound_issuer=https://token.actions.githubusercontent.com
  vault write auth/jwt-github/role/syncd-plan "${role[@]}" \
    bound_claims="{\"repository\":\"$REPOSITORY\",\"event_name\":\"pull_request\"}"
fi
if [ -n "${GITLAB_PROJECT:-}" ]; then
  vault auth enable -path=jwt-gitlab jwt 2>/dev/null || true
  vault write auth/jwt-gitlab/config oidc_discovery_url="$GITLAB_URL" bound_issuer="$GITLAB_URL"
  vault write auth/jwt-gitlab/role/syncd-plan "${role[@]}" \
    bound_claims="{\"project_path\":\"$GITLAB_PROJECT\",\"pipeline_source\":\"merge_request_event\"}"
fi
