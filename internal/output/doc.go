// Package output writes what syncd reports, in every format a person or a
// program reads: a plan (text, JSON, Markdown), an apply result, and the
// desired state (YAML, JSON, HCL, manifests). Serialising is a library's
// job here (encoding/json, yaml.v3, sigs.k8s.io/yaml); this package chooses
// the layout and what is shown, never how a value is encoded.
package output
