package desired

import (
	"encoding/json"
	"fmt"

	"github.com/syncd-dev/syncd/internal/object"
	"github.com/syncd-dev/syncd/internal/policy"
)

// DecodeSpec decodes the JSON form of a spec of an object of kind, the inverse
// of marshalling it, so saved plans can be read back.
func DecodeSpec(kind object.Kind, data []byte) (Spec, error) {
	var spec Spec
	switch kind {
	case object.Policy:
		spec = &PolicySpec{}
	case object.AuthRole:
		spec = &AuthRoleSpec{}
	case object.DatabaseRole:
		spec = &DatabaseRoleSpec{}
	case object.SecretStore, object.ExternalSecret, object.VaultDynamicSecret, object.Namespace, object.ServiceAccount:
		spec = &ManifestSpec{}
	default:
		return nil, fmt.Errorf("no spec for kind %s", kind)
	}
	if err := json.Unmarshal(data, spec); err != nil {
		return nil, fmt.Errorf("decoding %s spec: %w", kind, err)
	}
	if p, ok := spec.(*PolicySpec); ok {
		parsed, err := policy.Parse([]byte(p.HCL), p.Name)
		if err != nil {
			return nil, fmt.Errorf("policy %s: %w", p.Name, err)
		}
		p.Policy = parsed
	}
	return spec, nil
}
