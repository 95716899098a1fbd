// Package tenant reads and validates tenant files (tenants/<name>.yaml). Tenant
// files are untrusted input: every file is decoded strictly and checked before
// anything else sees it, and every problem names file:line:column and field.
// A file that fails is reported as an invalid tenant, never as a missing one.
package tenant
