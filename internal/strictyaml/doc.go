// Package strictyaml decodes untrusted YAML documents into Go structs strictly:
// unknown fields, wrong types, duplicate keys, anchors/aliases (YAML bombs),
// multiple documents and oversized input are errors, and every error names the
// file, line, column and field it concerns. It also returns the position of every
// field so that later, semantic checks can point at the same places.
package strictyaml
