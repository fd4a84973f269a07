package config_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"

	"github.com/ag06mixer/golive/config"
	"github.com/ag06mixer/golive/internal/checklist"
)

func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(config.Schema))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("golive.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("golive.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// asJSON turns YAML into the JSON values a schema validator reads.
func asJSON(t *testing.T, data []byte) any {
	t.Helper()
	var v any
	if err := yaml.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	out, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestShippedConfigs checks every YAML file in config/ against the schema
// and against golive's own validator: the two must agree.
func TestShippedConfigs(t *testing.T) {
	schema := compileSchema(t)
	files, err := filepath.Glob("*.yml")
	if err != nil || len(files) < 3 {
		t.Fatalf("got %v, %v; want the default and the examples", files, err)
	}
	def, err := checklist.Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := schema.Validate(asJSON(t, data)); err != nil {
			t.Errorf("%s fails the schema: %v", f, err)
		}
		layer, err := checklist.Parse(f, data)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if _, err := checklist.Resolve(def, layer); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

// TestSchemaRejects checks that the schema catches the mistakes an editor
// should underline.
func TestSchemaRejects(t *testing.T) {
	schema := compileSchema(t)
	for _, src := range []string{
		"version: 2\n",
		"version: 1\nsection: []\n",
		"version: 1\nroles: [{id: a, permission: owner}]\n",
		"version: 1\nsections: [{id: s, groups: [{id: g, items: [{id: x}]}]}]\n",
		"version: 1\nsections: [{id: s, groups: [{id: g, items: [{id: x, title: X, evidence: {manual: {}, check: {name: a}}}]}]}]\n",
		"version: 1\noverride: {x: {evidence: {probe: {http: {url: ftp://a}}}}}\n",
		"version: 1\noverride: {x: {evidence: {probe: {tcp: {address: a:1}, interval: soon}}}}\n",
		"version: 1\noverride: {x: {phase: 1y}}\n",
		"version: 1\noverride: {x: {evidence: {check: {name: sast, app: GitHub Actions}}}}\n",
		"version: 1\noverride: {x: {evidence: {check: {name: sast, creator: \"@mallory\"}}}}\n",
		"version: 1\noverride: {x: {evidence: {metric: {url: ftp://p, query: up, expect: {op: <, value: 1}}}}}\n",
		"version: 1\noverride: {x: {evidence: {metric: {url: https://p, query: up, expect: {op: =>, value: 1}}}}}\n",
		"version: 1\noverride: {x: {evidence: {metric: {url: https://p, query: up}}}}\n",
	} {
		if err := schema.Validate(asJSON(t, []byte(src))); err == nil {
			t.Errorf("schema accepts %q", strings.TrimSpace(src))
		}
	}
}

// TestReferenceCoversSchema: every field of the JSON Schema is documented
// in docs/configuration.md, and the minimal example in the README is valid.
func TestReferenceCoversSchema(t *testing.T) {
	var schema any
	if err := json.Unmarshal(config.Schema, &schema); err != nil {
		t.Fatal(err)
	}
	fields := map[string]bool{}
	var walk func(any)
	walk = func(n any) {
		switch v := n.(type) {
		case map[string]any:
			if props, ok := v["properties"].(map[string]any); ok {
				for k, p := range props {
					fields[k] = true
					walk(p)
				}
			}
			for k, e := range v {
				if k != "properties" {
					walk(e)
				}
			}
		case []any:
			for _, e := range v {
				walk(e)
			}
		}
	}
	walk(schema)
	doc, err := os.ReadFile("../docs/configuration.md")
	if err != nil {
		t.Fatal(err)
	}
	for f := range fields {
		if !bytes.Contains(doc, []byte("`"+f)) && !bytes.Contains(doc, []byte("."+f)) && !bytes.Contains(doc, []byte(", "+f)) {
			t.Errorf("docs/configuration.md does not document %q", f)
		}
	}
	if len(fields) < 50 {
		t.Fatalf("found only %d fields in the schema", len(fields))
	}
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	ex := strings.SplitN(strings.SplitN(string(readme), "```yaml\n", 2)[1], "```", 2)[0]
	f, err := checklist.Parse("README.md", []byte(ex))
	if err != nil {
		t.Fatalf("the README's example: %v", err)
	}
	def, _ := checklist.Default()
	if _, err := checklist.Resolve(def, f); err != nil {
		t.Fatalf("the README's example does not resolve: %v", err)
	}
}
