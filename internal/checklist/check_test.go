package checklist_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ag06mixer/golive/internal/checklist"
)

// TestCheckLayerOnePass: parse, local and merge problems come back
// together, sorted by line and column, each once.
func TestCheckLayerOnePass(t *testing.T) {
	def, err := checklist.Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, yml string
		want      []string
	}{
		{"all at once", "colour: red\ndrop: [waf-rules-defined-optionl]\nroles:\n  - {id: x, title: X, permission: god}\n", []string{
			`r.yml:1:1: unknown key "colour"`,
			`r.yml:1:1: version is missing; add "version: 1" at the top`,
			`r.yml:2:8: drop "waf-rules-defined-optionl": no inherited item, group or section has that id; did you mean "waf-rules-defined-optional"?`,
			`r.yml:4:35: unknown permission "god"; want one of read, triage, write, maintain, admin`,
		}},
		{"unknown key and unknown role", "version: 1\nsections:\n  - id: s\n    title: S\n    colour: red\n    groups: [{id: g, title: G, items: [{id: x, title: X, evidence: {approval: {role: secruity}}}]}]\n", []string{
			`r.yml:5:5: unknown key "colour"`,
			`r.yml:6:86: item "x" needs unknown role "secruity"; did you mean "security"?`,
		}},
		{"drop suggests groups and sections too", "version: 1\ndrop: [functional-testin, zzzzzzzzzzzz]\n", []string{
			`r.yml:2:8: drop "functional-testin": no inherited item, group or section has that id; did you mean "functional-testing"?`,
			`r.yml:2:27: drop "zzzzzzzzzzzz": no inherited item, group or section has that id`,
		}},
		{"a wrong kind stops decoding", "roles: 3\nfoo: 1\n", []string{
			`r.yml:1:8: "roles" must be a list`,
			`r.yml:2:1: unknown key "foo"`,
		}},
		{"version 2 is not missing", "version: 2\n", []string{`r.yml:1:10: version must be 1 (got 2)`}},
		{"good", "version: 1\ndrop: [waf-rules-defined-optional]\n", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, ps := checklist.CheckLayer("r.yml", []byte(tc.yml), def)
			var got []string
			for _, p := range ps {
				got = append(got, p.String())
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("problems (-want +got):\n%s", d)
			}
			if (cfg != nil) != (len(tc.want) == 0) {
				t.Errorf("config %v with %d problems", cfg != nil, len(ps))
			}
		})
	}
}

// TestCheckOrgAndRepo: a role the org defines is known to the repo file;
// a broken org file is reported as the org's, and the repo file is then
// only checked on its own.
func TestCheckOrgAndRepo(t *testing.T) {
	org := &checklist.Layer{Name: "org.yml", Data: []byte("version: 1\nroles:\n  - {id: sre, title: SRE, users: [ann]}\n")}
	repo := checklist.Layer{Name: "repo.yml", Data: []byte("version: 1\nsections:\n  - id: s\n    title: S\n    groups: [{id: g, title: G, items: [{id: x, title: X, evidence: {approval: {role: sre}}}]}]\n")}
	if cfg, orgPs, ps := checklist.CheckOrgAndRepo(org, repo); cfg == nil || len(orgPs)+len(ps) > 0 {
		t.Fatalf("org+repo: %v %v", orgPs, ps)
	}
	if _, _, ps := checklist.CheckOrgAndRepo(nil, repo); len(ps) != 1 || ps[0].Msg != `item "x" needs unknown role "sre"` {
		t.Errorf("repo alone: %v, want the unknown role", ps)
	}
	bad := &checklist.Layer{Name: "org.yml", Data: []byte("version: 1\nroles:\n  - {id: sre, title: SRE, permission: god}\n")}
	cfg, orgPs, ps := checklist.CheckOrgAndRepo(bad, repo)
	if cfg != nil || len(orgPs) != 1 || orgPs[0].Pos.File != "org.yml" || len(ps) != 0 {
		t.Errorf("bad org: cfg %v, org %v, repo %v", cfg != nil, orgPs, ps)
	}
}

// FuzzCheckLayer: going past unknown keys into merging never panics, and
// every answer is problems with a position in the file, or a config.
func FuzzCheckLayer(f *testing.F) {
	def, err := checklist.Default()
	if err != nil {
		f.Fatal(err)
	}
	f.Add([]byte("colour: red\ndrop: [waf-rules-defined-optionl]\n"))
	f.Add([]byte("version: 1\nx: 1\nsections: [{id: s, groups: [{id: g, items: [{id: i, x: 1}]}]}]\n"))
	f.Add([]byte("version: 1\nq: 1\noverride: {iam-permissions: {required: false, z: 2}}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, ps := checklist.CheckLayer("f.yml", data, def)
		if (cfg == nil) == (len(ps) == 0) {
			t.Fatalf("config %v with %d problems", cfg != nil, len(ps))
		}
		for _, p := range ps {
			if p.Pos.File != "f.yml" {
				t.Fatalf("problem outside the file: %v", p)
			}
		}
		if _, err := checklist.Parse("f.yml", data); err == nil && len(ps) > 0 {
			var rps checklist.Problems
			if _, rerr := checklist.Resolve(def, mustParse(t, data)); !errors.As(rerr, &rps) {
				t.Fatalf("CheckLayer found %v where Parse and Resolve found none", ps)
			}
		}
	})
}

func mustParse(t *testing.T, data []byte) *checklist.File {
	f, err := checklist.Parse("f.yml", data)
	if err != nil {
		t.Fatal(err)
	}
	return f
}
