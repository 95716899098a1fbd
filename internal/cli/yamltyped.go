package cli

import (
	"bytes"
	"encoding/json"
	"reflect"
	"unicode/utf8"

	"github.com/syncd-dev/syncd/internal/desired"
	"github.com/syncd-dev/syncd/internal/object"
)

// The state's own types written as YAML directly: exactly what jsonToYAML
// writes from their JSON (TestTypedYAMLIsTheJSONPath), without the JSON.
// Half of a 10,000-tenant render is object IDs (each object's, its refs,
// each tenant's list, the externals); encoding them to JSON and reading
// that back was most of the time the YAML took. Only a spec still goes
// through JSON. Anything these do not write as the JSON path would (a string
// that is not UTF-8, which encoding/json replaces) is errTranscode: the
// caller then takes the JSON path for that element.

// stringMember writes `key: s` as a member of a mapping at indent; first
// says it is the mapping's first (written where the caller stands).
func stringMember(b *bytes.Buffer, key, s string, indent int, first bool) error {
	if !utf8.ValidString(s) {
		return errTranscode
	}
	if !first {
		pad(b, indent)
	}
	b.WriteString(key)
	b.WriteString(": ")
	emitString(b, s, indent+2)
	b.WriteByte('\n')
	return nil
}

// idYAML writes id's members (kind, name, scope, system: sorted, as
// jsonToYAML writes them).
func idYAML(b *bytes.Buffer, id object.ID, indent int) error {
	if err := stringMember(b, "kind", string(id.Kind), indent, true); err != nil {
		return err
	}
	if err := stringMember(b, "name", id.Name, indent, false); err != nil {
		return err
	}
	if id.Scope != "" { // omitempty
		if err := stringMember(b, "scope", id.Scope, indent, false); err != nil {
			return err
		}
	}
	return stringMember(b, "system", string(id.System), indent, false)
}

// idMember writes `key:` and id below it.
func idMember(b *bytes.Buffer, key string, id object.ID, indent int, first bool) error {
	if !first {
		pad(b, indent)
	}
	b.WriteString(key)
	b.WriteString(":\n")
	pad(b, indent+2)
	return idYAML(b, id, indent+2)
}

// idsMember writes `key:` and the list ids (null when nil, [] when empty).
func idsMember(b *bytes.Buffer, key string, ids []object.ID, indent int, first bool) error {
	if !first {
		pad(b, indent)
	}
	b.WriteString(key)
	switch {
	case ids == nil:
		b.WriteString(": null\n")
		return nil
	case len(ids) == 0:
		b.WriteString(": []\n")
		return nil
	}
	b.WriteString(":\n")
	for _, id := range ids {
		pad(b, indent)
		b.WriteString("- ")
		if err := idYAML(b, id, indent+2); err != nil {
			return err
		}
	}
	return nil
}

// tenantYAML writes a tenantOut's members.
func tenantYAML(_ *transcoder, b *bytes.Buffer, t *tenantOut) error {
	const in = 2
	if err := stringMember(b, "kvPrefix", t.KVPrefix, in, true); err != nil {
		return err
	}
	if err := stringMember(b, "name", t.Name, in, false); err != nil {
		return err
	}
	if err := stringMember(b, "namespace", t.Namespace, in, false); err != nil {
		return err
	}
	if err := idsMember(b, "objects", t.Objects, in, false); err != nil {
		return err
	}
	return stringMember(b, "serviceAccount", t.ServiceAccount, in, false)
}

// externalYAML writes a desired.External's members.
func externalYAML(_ *transcoder, b *bytes.Buffer, e *desired.External) error {
	const in = 2
	if err := idMember(b, "id", e.ID, in, true); err != nil {
		return err
	}
	if e.Tenant == "" { // omitempty
		return nil
	}
	return stringMember(b, "tenant", e.Tenant, in, false)
}

// objectYAML writes a desired.Object's members; the spec from its JSON (a
// manifest's canonical JSON as it is, as objectJSON does).
func objectYAML(t *transcoder, b *bytes.Buffer, o *desired.Object) error {
	const in = 2
	if err := idMember(b, "id", o.ID, in, true); err != nil {
		return err
	}
	if len(o.Refs) > 0 { // omitempty
		if err := idsMember(b, "refs", o.Refs, in, false); err != nil {
			return err
		}
	}
	pad(b, in)
	switch s := o.Spec.(type) {
	case nil:
		return errTranscode // null: the JSON path
	case *desired.ManifestSpec: // {"object": <canonical JSON>}
		if s == nil {
			return errTranscode
		}
		b.WriteString("spec:\n")
		pad(b, in+2)
		var err error
		if v := s.Built(); v != nil {
			err = reflectMember(b, "object", reflect.ValueOf(v), in+2)
		} else {
			err = t.member(b, "object", s.JSON(), in+2)
		}
		if err != nil {
			return err
		}
	case *desired.PolicySpec:
		if s == nil {
			return errTranscode
		}
		b.WriteString("spec:\n")
		pad(b, in+2)
		if err := policyYAML(b, s, in+2); err != nil {
			return err
		}
	default:
		raw, err := json.Marshal(o.Spec)
		if err != nil {
			return err
		}
		if err := t.member(b, "spec", raw, in); err != nil {
			return err
		}
	}
	return stringMember(b, "tenant", o.Tenant, in, false)
}

// member writes `key:` and the JSON value raw as a member of a mapping at
// indent, as jsonToYAML writes a member.
func (t *transcoder) member(b *bytes.Buffer, key string, raw []byte, indent int) error {
	if err := t.read(raw); err != nil {
		return err
	}
	emitKey(b, key, indent)
	b.WriteByte(':')
	return t.memberValue(b, 0, indent)
}

// policyYAML writes a policy spec's members (hcl, name, parseError): the
// HCL is most of a policy's bytes, and JSON escaped every line of it.
func policyYAML(b *bytes.Buffer, p *desired.PolicySpec, indent int) error {
	if err := stringMember(b, "hcl", p.Text(), indent, true); err != nil {
		return err
	}
	if err := stringMember(b, "name", p.Name, indent, false); err != nil {
		return err
	}
	if p.ParseError == "" { // omitempty
		return nil
	}
	return stringMember(b, "parseError", p.ParseError, indent, false)
}
