#!/usr/bin/env bash
# The Vault side of running syncd in a cluster, for the repository's
# syncd.yaml: syncd's own policy (least privilege, rendered from the config)
# and the Kubernetes auth role its service account logs in with. Run it with
# a Vault token allowed to write policies and auth roles.
set -euo pipefail
cd "$(dirname "$0")/../.."
mount=${SYNCD_VAULT_AUTH_MOUNT:-kubernetes}
syncd render -o vault-policy > deploy/vault/syncd-policy.hcl
vault policy write syncd deploy/vault/syncd-policy.hcl
vault write "auth/$mount/role/syncd" \
  bound_service_account_names=syncd bound_service_account_namespaces=syncd \
  audience=vault token_policies=syncd token_ttl=15m token_max_ttl=1h
