# What syncd plan needs (a PR check): read and list only (syncd render -o vault-policy-readonly).

path "auth/kubernetes/role" {
  capabilities = ["list"]
}

path "auth/kubernetes/role/bookstore-platform-*" {
  capabilities = ["read"]
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
  capabilities = ["read"]
}

path "secret/data/syncd/prod/inventory/*" {
  capabilities = ["read"]
}

path "secret/metadata/bookstore-platform/*" {
  capabilities = ["list", "read"]
}

path "secret/metadata/syncd/prod/inventory/*" {
  capabilities = ["list", "read"]
}

path "sys/policies/acl" {
  capabilities = ["list"]
}

path "sys/policies/acl/bookstore-platform-app-*" {
  capabilities = ["read"]
}
