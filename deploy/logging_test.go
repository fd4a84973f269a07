package deploy_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"os"
	"path"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestLogShipping: deploy/logging/fluent-bit.yaml tails the log files of
// golive's pods (and no other), reads golive's JSON lines by the keys slog
// writes, parses their time, and ships under the alias .github/golive.yml
// queries to prove shipping works.
func TestLogShipping(t *testing.T) {
	var fb struct {
		Pipeline struct {
			Inputs  []map[string]any `yaml:"inputs"`
			Filters []map[string]any `yaml:"filters"`
			Outputs []map[string]any `yaml:"outputs"`
		} `yaml:"pipeline"`
		Parsers []map[string]any `yaml:"parsers"`
	}
	readYAML(t, "logging/fluent-bit.yaml", &fb)
	if len(fb.Pipeline.Inputs) != 1 || len(fb.Pipeline.Filters) != 1 || len(fb.Pipeline.Outputs) != 1 || len(fb.Parsers) != 1 {
		t.Fatalf("want one input, filter, output and parser: %+v", fb)
	}
	in, filter, out, parser := fb.Pipeline.Inputs[0], fb.Pipeline.Filters[0], fb.Pipeline.Outputs[0], fb.Parsers[0]

	// The kubelet names a container's log file POD_NAMESPACE_CONTAINER-ID.log.
	dep := docs(t)["base/deployment.yaml"][0]
	var prod kustomization
	readYAML(t, "overlays/prod/kustomization.yaml", &prod)
	container := dig(dep, "spec", "template", "spec", "containers", 0, "name").(string)
	id := strings.Repeat("a1", 32)
	glob, _ := in["path"].(string)
	for file, want := range map[string]bool{
		dig(dep, "metadata", "name").(string) + "-7d9f8b6c5-x2k4q_" + prod.Namespace + "_" + container + "-" + id + ".log": true,
		"golive-canary-5c6d7e8f9-abcde_" + prod.Namespace + "_" + container + "-" + id + ".log":                            true,
		"redis-0_" + prod.Namespace + "_redis-" + id + ".log":                                                              false,
		"golive-7d9f8b6c5-x2k4q_default_golive-" + id + ".log":                                                             false,
	} {
		ok, err := path.Match(path.Base(glob), file)
		if err != nil || ok != want || path.Dir(glob) != "/var/log/containers" {
			t.Errorf("input path %s matches %s: %v, want %v (%v)", glob, file, ok, want, err)
		}
	}
	if in["parser"] != "cri" || filter["key_name"] != "message" || filter["parser"] != parser["name"] || parser["format"] != "json" {
		t.Errorf("the CRI line's message must go through the JSON parser: input %v, filter %v, parser %v", in, filter, parser)
	}
	if in["tag"] != "golive.*" || filter["match"] != "golive.*" || out["match"] != "golive.*" {
		t.Errorf("tags do not line up: %v %v %v", in["tag"], filter["match"], out["match"])
	}

	// A line as golive writes it (slog's JSON handler).
	var line bytes.Buffer
	slog.New(slog.NewJSONHandler(&line, nil)).Info("queued", "delivery", "d-1")
	var m map[string]any
	if err := json.Unmarshal(line.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	if parser["time_key"] != slog.TimeKey || m[slog.TimeKey] == nil {
		t.Errorf("time_key %v, golive writes %q", parser["time_key"], slog.TimeKey)
	}
	layout := strings.NewReplacer("%Y", "2006", "%m", "01", "%d", "02", "%H", "15", "%M", "04", "%S", "05",
		"%L", "999999999", "%z", "Z07:00").Replace(parser["time_format"].(string))
	if _, err := time.Parse(layout, m[slog.TimeKey].(string)); err != nil {
		t.Errorf("time_format %v does not parse golive's time %v: %v", parser["time_format"], m[slog.TimeKey], err)
	}
	if labels, _ := out["labels"].(string); !strings.Contains(labels, "level=$"+slog.LevelKey) || m[slog.LevelKey] == nil {
		t.Errorf("output labels %q: the level is golive's %q key", labels, slog.LevelKey)
	}

	// golive's gate queries the output's records by its alias.
	gate, err := os.ReadFile("../.github/golive.yml")
	if err != nil {
		t.Fatal(err)
	}
	q := regexp.MustCompile(`fluentbit_output_proc_records_total\{name="([^"]+)"\}`).FindSubmatch(gate)
	if q == nil || string(q[1]) != out["alias"] {
		t.Errorf(".github/golive.yml does not query the records of output %v", out["alias"])
	}
}
