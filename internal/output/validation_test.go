package output

import (
	"bytes"
	"testing"

	"github.com/syncd-dev/syncd/internal/golden"
)

func TestValidationGolden(t *testing.T) {
	invalid := Validation{Tenants: 2, Objects: 9, Files: 2, Errors: []FileNote{
		{File: "tenants/acme.yaml", Line: 6, Column: 3, Field: "spec.bogus", Message: `unknown field "bogus" (did you mean "secrets"?)`},
		{File: "tenants/a,b:c.yaml", Line: 4, Column: 9, Field: "metadata.name", Message: "100% wrong,\nsecond line"},
		{File: "tenants/web.yaml", Message: "isolation: tenant web: vault/policy/web: grants read on another tenant's path"},
	}}
	valid := Validation{Valid: true, Tenants: 3, Objects: 14}
	for _, format := range ValidationFormats {
		for name, v := range map[string]Validation{"invalid": invalid, "valid": valid} {
			t.Run(format+"/"+name, func(t *testing.T) {
				var out, errOut bytes.Buffer
				if err := ValidationReport(&out, &errOut, v, format); err != nil {
					t.Fatal(err)
				}
				golden.Check(t, "validate-"+name+"."+format, "--- stdout\n"+out.String()+"--- stderr\n"+errOut.String())
			})
		}
	}
}
