package deploy_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/ag06mixer/golive/internal/cli"
	"github.com/ag06mixer/golive/internal/metrics"
	"github.com/ag06mixer/golive/internal/server"
	"github.com/ag06mixer/golive/internal/webhook"
)

// docs reads every YAML document under deploy/.
func docs(t *testing.T) map[string][]map[string]any {
	t.Helper()
	out := map[string][]map[string]any{}
	err := filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		// Helm templates are not YAML until rendered (.ci/run renders them).
		if d.IsDir() && d.Name() == "templates" && strings.HasPrefix(path, "helm"+string(filepath.Separator)) {
			return filepath.SkipDir
		}
		if d.IsDir() || (!strings.HasSuffix(path, ".yaml") && !strings.HasSuffix(path, ".yml")) {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		dec := yaml.NewDecoder(bytes.NewReader(b))
		for {
			var m map[string]any
			if err := dec.Decode(&m); errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				t.Errorf("%s: %v", path, err)
				break
			}
			if m != nil {
				out[path] = append(out[path], m)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func dig(m any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			mm, _ := m.(map[string]any)
			m = mm[k]
		case int:
			l, _ := m.([]any)
			if k >= len(l) {
				return nil
			}
			m = l[k]
		}
	}
	return m
}

// TestDeploymentAgreesWithCode: the port, the probe paths, every GOLIVE_*
// variable and the user of the manifests are the ones golive has.
func TestDeploymentAgreesWithCode(t *testing.T) {
	all := docs(t)
	dep := all[filepath.Join("base", "deployment.yaml")][0]
	c := dig(dep, "spec", "template", "spec", "containers", 0)
	if got := dig(c, "ports", 0, "containerPort"); got != 8080 {
		t.Errorf("containerPort %v, want 8080 (GOLIVE_LISTEN :8080)", got)
	}
	h := server.New(server.Deps{Secrets: [][]byte{[]byte("s")}, Handled: webhook.Handled})
	for _, probe := range []string{"livenessProbe", "readinessProbe"} {
		path, _ := dig(c, probe, "httpGet", "path").(string)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
		if w.Code != http.StatusOK {
			t.Errorf("%s path %q answers %d", probe, path, w.Code)
		}
	}
	known := cli.SettingsEnv()
	for file, ds := range all {
		for _, d := range ds {
			walkEnv(d, func(name string) {
				if strings.HasPrefix(name, "GOLIVE_") && !slices.Contains(known, name) {
					t.Errorf("%s sets %s, which golive does not read", file, name)
				}
			})
		}
	}
	if dig(dep, "spec", "template", "spec", "securityContext", "runAsNonRoot") != true {
		t.Error("the pod may run as root")
	}
	sc := dig(c, "securityContext")
	if dig(sc, "readOnlyRootFilesystem") != true || dig(sc, "allowPrivilegeEscalation") != false {
		t.Errorf("container securityContext %v", sc)
	}
	df, err := os.ReadFile("../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	user := regexp.MustCompile(`(?m)^USER (\d+)`).FindSubmatch(df)
	if user == nil || string(user[1]) == "0" {
		t.Error("the image's USER is missing or root")
	}
	if !bytes.Contains(df, []byte("EXPOSE 8080")) {
		t.Error("the image does not expose 8080")
	}
	// The image is built the way CI builds its release binary: without
	// the demo and its fakes (-tags nodemo).
	build := regexp.MustCompile(`CGO_ENABLED=0 go build -tags nodemo -trimpath -ldflags "-s -w -X github.com/ag06mixer/golive/internal/app.Version=\$\{VERSION\}"`)
	ci, _ := os.ReadFile("../.ci/run")
	if !build.Match(df) || !build.Match(ci) {
		t.Error("the Dockerfile and .ci/run build golive differently")
	}
}

// walkEnv calls fn with every env var name a manifest sets.
func walkEnv(v any, fn func(string)) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if k == "env" || k == "environment" {
				switch env := e.(type) {
				case []any:
					for _, item := range env {
						if n, ok := dig(item, "name").(string); ok {
							fn(n)
						}
					}
				case map[string]any:
					for n := range env {
						fn(n)
					}
				}
			}
			walkEnv(e, fn)
		}
	case []any:
		for _, e := range x {
			walkEnv(e, fn)
		}
	}
}

// TestMetricsInDashboardsExist: every metric the dashboard and the alerts
// use is one golive exports.
func TestMetricsInDashboardsExist(t *testing.T) {
	names := metrics.New().Names()
	re := regexp.MustCompile(`golive_[a-z0-9_]+`)
	for _, file := range []string{"grafana/golive.json", "prometheus/alerts.yaml", "prometheus/slo.yaml"} {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		used := re.FindAllString(string(b), -1)
		if len(used) == 0 {
			t.Errorf("%s uses no golive metric", file)
		}
		for _, n := range used {
			if !slices.Contains(names, n) {
				t.Errorf("%s uses %s, which golive does not export", file, n)
			}
		}
	}
}

// TestAppManifest: the App asks for the events golive handles and no
// permission it has no reason for.
func TestAppManifest(t *testing.T) {
	b, err := os.ReadFile("github-app.json")
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Permissions map[string]string `json:"default_permissions"`
		Events      []string          `json:"default_events"`
		Reasons     struct {
			Permissions map[string]string `json:"permissions"`
			Events      map[string]string `json:"events"`
		} `json:"x-golive-reasons"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for p, level := range m.Permissions {
		if m.Reasons.Permissions[p] == "" {
			t.Errorf("permission %s: %s has no reason", p, level)
		}
	}
	for ev := range webhook.Handled {
		if !slices.Contains(m.Events, ev) {
			t.Errorf("golive handles %s but the App does not subscribe to it", ev)
		}
	}
	for _, ev := range m.Events {
		if !webhook.Handled[ev] {
			t.Errorf("the App subscribes to %s, which golive drops", ev)
		}
		if m.Reasons.Events[ev] == "" {
			t.Errorf("event %s has no reason", ev)
		}
	}
}
