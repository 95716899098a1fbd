// Package schema writes the JSON Schemas of syncd's files from their Go
// types (invopop/jsonschema): the tenant file, syncd.yaml and the saved
// plan. A tenant file's schema carries the bounds validate holds every
// tenant to that do not depend on syncd.yaml (names, paths, keys,
// durations' syntax); the platform's own bounds (TTLs, patterns, reserved
// names) stay validate's alone. schemas/*.json are this package's output
// (TestSchemasAreCurrent; regenerate with go test ./internal/schema -update).
package schema

import (
	"encoding/json"
	"reflect"

	"github.com/invopop/jsonschema"

	"github.com/syncd-dev/syncd/internal/config"
	"github.com/syncd-dev/syncd/internal/diff"
	"github.com/syncd-dev/syncd/internal/tenant"
	"github.com/syncd-dev/syncd/internal/ttl"
)

// Base is where the schemas are published; each file's $id is Base + its name.
const Base = "https://raw.githubusercontent.com/syncd-dev/syncd/main/schemas/"

// Files maps each schema file in schemas/ to its schema.
func Files() map[string]*jsonschema.Schema {
	return map[string]*jsonschema.Schema{
		"tenant.schema.json": Tenant(),
		"config.schema.json": Config(),
		"plan.schema.json":   Plan(),
	}
}

// Patterns of validate's name rules (internal/naming), as JSON Schema
// (ECMA-262) regular expressions.
const (
	DNSLabel     = `^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`
	DNSSubdomain = `^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`
	SecretKey    = `^[-._a-zA-Z0-9]+$`
	// RelPath: segments of [A-Za-z0-9._-] that start with neither '.' nor
	// '-' (so none is "." or ".."), none empty.
	RelPath = `^[A-Za-z0-9_][A-Za-z0-9._-]*(/[A-Za-z0-9_][A-Za-z0-9._-]*)*$`
	// Duration: seconds as a number, or Go's units with days (90, 1h30m, 7d).
	Duration = `^([0-9]+|([0-9]+d)?([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))*)$`
)

func reflector() *jsonschema.Reflector {
	return &jsonschema.Reflector{
		RequiredFromJSONSchemaTags: true, // required lists are set below, per file
		DoNotReference:             true,
		Mapper: func(t reflect.Type) *jsonschema.Schema {
			if t == reflect.TypeFor[ttl.Duration]() {
				return &jsonschema.Schema{AnyOf: []*jsonschema.Schema{
					{Type: "string", Pattern: Duration, MinLength: ptr(uint64(1))},
					{Type: "integer", Minimum: json.Number("0")},
				}, Description: "a duration: 90 (seconds), 1h30m, 7d"}
			}
			return nil
		},
	}
}

func ptr[T any](v T) *T { return &v }

// Tenant is the schema of tenants/<name>.yaml.
func Tenant() *jsonschema.Schema {
	s := reflector().Reflect(&tenant.Tenant{})
	s.ID, s.Title = jsonschema.ID(Base+"tenant.schema.json"), "syncd tenant file"
	s.Required = []string{"apiVersion", "kind", "metadata"}
	prop(s, "apiVersion").Const = tenant.APIVersion
	prop(s, "kind").Const = tenant.Kind
	meta := prop(s, "metadata")
	meta.Required = []string{"name"}
	str(prop(meta, "name"), DNSLabel, 63)
	spec := prop(s, "spec")
	secret := prop(spec, "secrets").Items
	secret.Required = []string{"name", "path", "keys"}
	str(prop(secret, "name"), DNSSubdomain, 253)
	str(prop(secret, "path"), RelPath, 512)
	keys := prop(secret, "keys")
	keys.MinItems, keys.UniqueItems = ptr(uint64(1)), true
	str(keys.Items, SecretKey, 253)
	str(prop(secret, "target"), DNSSubdomain, 253)
	db := prop(spec, "databases").Items
	db.Required = []string{"name", "connection", "privilege"}
	str(prop(db, "name"), DNSLabel, 63)
	str(prop(db, "target"), DNSSubdomain, 253)
	for _, f := range []string{"connection", "privilege"} {
		prop(db, f).MinLength = ptr(uint64(1))
	}
	return s
}

// Config is the schema of syncd.yaml: every field but the header is optional.
func Config() *jsonschema.Schema {
	s := reflector().Reflect(&config.Config{})
	s.ID, s.Title = jsonschema.ID(Base+"config.schema.json"), "syncd platform config (syncd.yaml)"
	s.Required = []string{"apiVersion", "kind"}
	prop(s, "apiVersion").Const = config.APIVersion
	prop(s, "kind").Const = config.Kind
	return s
}

// Plan is the schema of a saved plan (syncd plan -o json, --out).
func Plan() *jsonschema.Schema {
	r := reflector()
	r.AllowAdditionalProperties = true // a newer syncd may add fields a reader ignores
	s := r.Reflect(&diff.Plan{})
	s.ID, s.Title = jsonschema.ID(Base+"plan.schema.json"), "syncd plan"
	s.Required = []string{"version", "changes"}
	prop(s, "version").Const = diff.SchemaVersion
	return s
}

// prop is s's property name; it panics when the type has none (a renamed
// field fails every test at once).
func prop(s *jsonschema.Schema, name string) *jsonschema.Schema {
	p, ok := s.Properties.Get(name)
	if !ok {
		panic("schema: no property " + name)
	}
	return p
}

func str(s *jsonschema.Schema, pattern string, maxLen uint64) {
	s.Pattern, s.MaxLength = pattern, ptr(maxLen)
}
