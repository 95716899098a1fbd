// Package strictyaml decodes untrusted YAML documents into Go structs strictly:
// unknown fields, wrong types, duplicate keys, anchors/aliases (YAML bombs),
// multiple documents and oversized input are errors, and every error names the
// file, line, column and field it concerns. Positions places any field later,
// so that semantic checks can point at the same places; it keeps the file's
// text and reads it again only when an error is placed. yaml.v3 is the
// only parser.
package strictyaml
