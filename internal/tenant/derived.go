package tenant

// Names derived from a tenant's entries. Validation and the desired state both
// use these, so what is checked is what is rendered.

// TargetName is the Kubernetes Secret the secret is written to.
func (s Secret) TargetName() string {
	if s.Target != "" {
		return s.Target
	}
	return s.Name
}

// ExternalSecretName names the ExternalSecret that syncs the secret.
func (s Secret) ExternalSecretName() string { return s.Name }

// TargetName is the Kubernetes Secret the credentials are written to.
func (d Database) TargetName() string {
	if d.Target != "" {
		return d.Target
	}
	return d.Name + "-db-credentials"
}

// ExternalSecretName names the ExternalSecret that fetches the credentials.
func (d Database) ExternalSecretName() string { return d.Name + "-db" }

// GeneratorName names the VaultDynamicSecret generator for the credentials.
func (d Database) GeneratorName() string { return d.Name + "-db" }
