# ---- policy bookstore-platform-app-acme-books (tenant acme-books)
# Managed by syncd for tenant acme-books (tenants/acme-books.yaml). Edits made in Vault are reverted.

path "database/creds/bookstore-platform-acme-books-catalog" {
  capabilities = ["read"]
}

path "secret/data/bookstore-platform/acme-books/mail/smtp" {
  capabilities = ["read"]
}

path "secret/data/bookstore-platform/acme-books/payments/stripe" {
  capabilities = ["read"]
}

path "secret/metadata/bookstore-platform/acme-books/mail/smtp" {
  capabilities = ["read"]
}

path "secret/metadata/bookstore-platform/acme-books/payments/stripe" {
  capabilities = ["read"]
}

