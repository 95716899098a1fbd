# The Vault policy syncd needs for this platform config, and no more (syncd render -o vault-policy).

path "auth/kubernetes/role" {
  capabilities = ["list"]
}

path "auth/kubernetes/role/bookstore-platform-*" {
  capabilities = ["create", "delete", "read", "update"]
}

path "database/config/catalog" {
  capabilities = ["read"]
}

path "database/config/orders" {
  capabilities = ["read"]
}

path "database/roles" {
  capabilities = ["list"]
}

path "database/roles/bookstore-platform-*" {
  capabilities = ["create", "delete", "read", "update"]
}

path "secret/data/syncd/prod/inventory/*" {
  capabilities = ["create", "read", "update"]
}

path "secret/metadata/bookstore-platform/*" {
  capabilities = ["delete", "list", "read"]
}

path "secret/metadata/syncd/prod/inventory/*" {
  capabilities = ["delete", "list", "read"]
}

path "sys/leases/revoke-prefix/database/creds/bookstore-platform-*" {
  capabilities = ["sudo", "update"]
}

path "sys/policies/acl" {
  capabilities = ["list"]
}

path "sys/policies/acl/bookstore-platform-app-*" {
  capabilities = ["create", "delete", "read", "update"]
}
