# ---- policy bookstore-platform-app-inkwell-reviews (tenant inkwell-reviews)
# Managed by syncd for tenant inkwell-reviews (tenants/inkwell-reviews.yaml). Edits made in Vault are reverted.

path "secret/data/bookstore-platform/inkwell-reviews/integrations/moderation" {
  capabilities = ["read"]
}

path "secret/data/bookstore-platform/inkwell-reviews/storage/s3" {
  capabilities = ["read"]
}

path "secret/metadata/bookstore-platform/inkwell-reviews/integrations/moderation" {
  capabilities = ["read"]
}

path "secret/metadata/bookstore-platform/inkwell-reviews/storage/s3" {
  capabilities = ["read"]
}

