package config

import (
	"fmt"
	"time"

	"github.com/syncd-dev/syncd/internal/ttl"
)

// Default returns the seed platform's configuration, validated as if read
// from a file that sets nothing.
func Default() *Config {
	c, err := Parse("(built-in defaults)", []byte("apiVersion: "+APIVersion+"\nkind: "+Kind+"\n"))
	if err != nil {
		panic(fmt.Sprintf("the built-in defaults do not validate: %v", err))
	}
	return c
}

// builtin is the seed platform's configuration as written, before the
// defaults that derive from other fields.
func builtin() *Config {
	return &Config{
		APIVersion: APIVersion,
		Kind:       Kind,
		Vault: Vault{
			Address: "https://vault.vault.svc:8200",
			Mounts:  Mounts{KV: "secret", Database: "database", KubernetesAuth: "kubernetes"},
		},
		Names: Names{
			Policy:         "bookstore-platform-app-{tenant}",
			AuthRole:       "bookstore-platform-{tenant}",
			Namespace:      "bookstore-platform-{tenant}",
			ServiceAccount: "bookstore-platform-eso",
			KVPrefix:       "bookstore-platform/{tenant}",
			DatabaseRole:   "bookstore-platform-{tenant}-{db}",
			SecretStore:    "vault-{tenant}",
		},
		Auth:      Auth{TTL: dur(15 * time.Minute), MaxTTL: dur(time.Hour), Audience: "vault"},
		Databases: map[string]Connection{"catalog": defaultCatalog()},
		ESO: ESO{
			APIVersion:          "external-secrets.io/v1",
			GeneratorAPIVersion: "generators.external-secrets.io/v1alpha1",
			RefreshInterval:     dur(time.Hour),
		},
		Offboarding: Offboarding{GracePeriod: dur(24 * time.Hour)},
		Guard:       Guard{MaxDeletes: 1, MaxDeletePercent: 34},
		Inventory:   Inventory{Mount: "secret", Path: "syncd/inventory"},
		Kubernetes:  Kubernetes{PlatformNamespaces: []string{"vault", "external-secrets", "syncd"}, TenantLabel: "syncd.io/tenant"},
		Limits:      Limits{MinTTL: dur(time.Minute), MinRefreshInterval: dur(time.Minute)},
	}
}

func dur(d time.Duration) ttl.Duration { return ttl.Duration(d) }

func defaultCatalog() Connection {
	return Connection{
		Vars:       map[string]string{"database": "catalog", "schema": "public"},
		DefaultTTL: dur(time.Hour),
		MaxTTL:     dur(24 * time.Hour),
		Privileges: map[string]Privilege{
			"readonly": {
				CreationStatements: []string{
					`CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';`,
					`GRANT CONNECT ON DATABASE "{database}" TO "{{name}}";`,
					`GRANT USAGE ON SCHEMA "{schema}" TO "{{name}}";`,
					`GRANT SELECT ON ALL TABLES IN SCHEMA "{schema}" TO "{{name}}";`,
				},
				RevocationStatements: revoke(),
			},
			"readwrite": {
				CreationStatements: []string{
					`CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';`,
					`GRANT CONNECT ON DATABASE "{database}" TO "{{name}}";`,
					`GRANT USAGE ON SCHEMA "{schema}" TO "{{name}}";`,
					`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "{schema}" TO "{{name}}";`,
					`GRANT USAGE ON ALL SEQUENCES IN SCHEMA "{schema}" TO "{{name}}";`,
				},
				RevocationStatements: revoke(),
			},
		},
	}
}

func revoke() []string {
	return []string{
		`REVOKE ALL PRIVILEGES ON ALL TABLES IN SCHEMA "{schema}" FROM "{{name}}";`,
		`REVOKE ALL PRIVILEGES ON ALL SEQUENCES IN SCHEMA "{schema}" FROM "{{name}}";`,
		`REVOKE USAGE ON SCHEMA "{schema}" FROM "{{name}}";`,
		`REVOKE CONNECT ON DATABASE "{database}" FROM "{{name}}";`,
		`DROP ROLE IF EXISTS "{{name}}";`,
	}
}
