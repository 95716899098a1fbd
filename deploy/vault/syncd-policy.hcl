# The Vault policy syncd needs for this platform config, and no more (syncd render -o vault-policy).

path "auth/kubernetes/role" {
  capabilities = ["list"]
}

path "auth/kubernetes/role/bookstore-platform-*" {
  capabilities = ["create", "delete", "read", "update"]
  allowed_parameters = {
    alias_name_source                        = []
    audience                                 = ["vault"]
    bound_service_account_names              = []
    bound_service_account_namespace_selector = [""]
    bound_service_account_namespaces         = ["bookstore-platform-*", "warehouse"]
    token_bound_cidrs                        = []
    token_explicit_max_ttl                   = []
    token_max_ttl                            = []
    token_no_default_policy                  = []
    token_num_uses                           = []
    token_period                             = []
    token_policies                           = ["bookstore-platform-app-*"]
    token_ttl                                = []
    token_type                               = []
  }
  denied_parameters = {
    bound_service_account_namespaces = ["*,*"]
    token_policies                   = ["*,*"]
  }
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
  allowed_parameters = {
    creation_statements   = []
    credential_config     = []
    credential_type       = []
    db_name               = ["catalog", "orders"]
    default_ttl           = []
    max_ttl               = []
    renew_statements      = []
    revocation_statements = []
    rollback_statements   = []
  }
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
