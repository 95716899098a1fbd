package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"sigs.k8s.io/yaml"

	"github.com/syncd-dev/syncd/internal/object"
)

// Today's procedure: the seed's per-tenant commands with the real CLIs.
// Its templates are made once from the first tenant of each shape (the
// tenant's name becomes TENANT, as in the seed's policy template); the
// scripts then run, tenant after tenant, `sed` of each template piped to
// `vault policy write`, `vault write auth/kubernetes/role/...`, `vault write
// database/roles/...` and `kubectl apply`, and for off-boarding `kubectl
// delete`, `vault lease revoke -prefix`, `vault delete` of the roles and the
// policy copied to <name>-deprecated and deleted.
func writeProcedure(dir string, w *work) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var on, off strings.Builder
	on.WriteString("#!/usr/bin/env bash\n# today's procedure: onboard every tenant\nset -euo pipefail\n")
	off.WriteString("#!/usr/bin/env bash\n# today's procedure: off-board 10 % of the tenants (up to deprecation)\nset -euo pipefail\n")
	for i, t := range w.Tenants {
		shape := i % 3
		if i < 3 {
			if err := writeTemplates(dir, shape, t); err != nil {
				return err
			}
		}
		sed := func(file string) string { return fmt.Sprintf("sed 's/TENANT/%s/g' shape%d.%s", t.Name, shape, file) }
		for _, op := range t.Vault {
			switch op.Kind {
			case object.Policy:
				fmt.Fprintf(&on, "%s | vault policy write %s - >/dev/null\n", sed("policy.hcl"), op.Name)
			case object.AuthRole, object.DatabaseRole:
				fmt.Fprintf(&on, "%s | vault write %s - >/dev/null\n", sed(templateName(op, t.Name)), op.Path)
			}
		}
		fmt.Fprintf(&on, "%s | kubectl apply -f - >/dev/null\n", sed("manifests.yaml"))
		if !offboarded(t.Name) {
			continue
		}
		fmt.Fprintf(&off, "%s | kubectl delete -f - >/dev/null\n", sed("manifests.yaml"))
		for _, op := range t.Vault {
			if op.Kind == object.DatabaseRole {
				fmt.Fprintf(&off, "vault lease revoke -sync -prefix %s/creds/%s >/dev/null\nvault delete %s >/dev/null\n", dbMount(op.Path), op.Name, op.Path)
			}
		}
		for _, op := range t.Vault {
			if op.Kind == object.AuthRole {
				fmt.Fprintf(&off, "vault delete %s >/dev/null\n", op.Path)
			}
		}
		for _, op := range t.Vault {
			if op.Kind == object.Policy {
				fmt.Fprintf(&off, "vault policy read %s | vault policy write %s-deprecated - >/dev/null\nvault policy delete %s >/dev/null\n", op.Name, op.Name, op.Name)
			}
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "onboard.sh"), []byte(on.String()), 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "offboard.sh"), []byte(off.String()), 0o755)
}

// templateName names a role's template by its kind and, for a database
// role, the part of its name after the tenant's.
func templateName(op vaultOp, tenant string) string {
	if op.Kind == object.AuthRole {
		return "auth.json"
	}
	_, db, _ := strings.Cut(op.Name, tenant)
	return "db" + db + ".json"
}

func writeTemplates(dir string, shape int, t tenantWork) error {
	tmpl := func(b []byte) []byte { return bytes.ReplaceAll(b, []byte(t.Name), []byte("TENANT")) }
	write := func(name string, b []byte) error {
		return os.WriteFile(filepath.Join(dir, fmt.Sprintf("shape%d.%s", shape, name)), tmpl(b), 0o644)
	}
	for _, op := range t.Vault {
		var err error
		switch op.Kind {
		case object.Policy:
			err = write("policy.hcl", []byte(op.Data["policy"].(string)))
		default:
			var b []byte
			if b, err = json.MarshalIndent(op.Data, "", "  "); err == nil {
				err = write(templateName(op, t.Name), b)
			}
		}
		if err != nil {
			return err
		}
	}
	var docs [][]byte
	for _, op := range t.Kube {
		b, err := yaml.Marshal(op.Object)
		if err != nil {
			return err
		}
		docs = append(docs, b)
	}
	return write("manifests.yaml", bytes.Join(docs, []byte("---\n")))
}
