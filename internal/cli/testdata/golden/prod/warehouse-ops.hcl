# ---- policy bookstore-platform-app-warehouse-ops (tenant warehouse-ops)
# Managed by syncd for tenant warehouse-ops (tenants/warehouse-ops.yaml). Edits made in Vault are reverted.

path "database/creds/bookstore-platform-warehouse-ops-catalog" {
  capabilities = ["read"]
}

path "database/creds/bookstore-platform-warehouse-ops-orders" {
  capabilities = ["read"]
}

path "secret/data/bookstore-platform/warehouse-ops/shipping/carrier" {
  capabilities = ["read"]
}

path "secret/metadata/bookstore-platform/warehouse-ops/shipping/carrier" {
  capabilities = ["read"]
}

