package deploy_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

type kustomization struct {
	Namespace  string   `yaml:"namespace"`
	NameSuffix string   `yaml:"nameSuffix"`
	Resources  []string `yaml:"resources"`
	Labels     []struct {
		Pairs            map[string]string `yaml:"pairs"`
		IncludeSelectors bool              `yaml:"includeSelectors"`
	} `yaml:"labels"`
	Images []struct {
		Name   string `yaml:"name"`
		NewTag string `yaml:"newTag"`
	} `yaml:"images"`
	Patches []struct {
		Target struct {
			Kind string `yaml:"kind"`
			Name string `yaml:"name"`
		} `yaml:"target"`
		Patch string `yaml:"patch"`
	} `yaml:"patches"`
}

var versionTag = regexp.MustCompile(`^v\d+\.\d+\.\d+$`)

// TestEnvironments: staging is the prod overlay with only its namespace,
// host and image tag changed; the canary is one replica beside prod that
// takes no webhooks and keeps the base's guards; docs/runbook.md names
// every overlay.
func TestEnvironments(t *testing.T) {
	var staging, canary, prod kustomization
	readYAML(t, "overlays/staging/kustomization.yaml", &staging)
	readYAML(t, "overlays/canary/kustomization.yaml", &canary)
	readYAML(t, "overlays/prod/kustomization.yaml", &prod)

	if !slices.Equal(staging.Resources, []string{"../prod"}) {
		t.Errorf("staging's resources are %v, want only ../prod (staging is prod plus named differences)", staging.Resources)
	}
	if staging.Namespace == "" || staging.Namespace == prod.Namespace {
		t.Errorf("staging's namespace %q must be its own (prod: %q)", staging.Namespace, prod.Namespace)
	}
	if staging.NameSuffix != "" || len(staging.Labels) != 0 {
		t.Error("staging renames or relabels prod's objects")
	}
	for _, im := range staging.Images {
		if im.Name != "ghcr.io/ag06mixer/golive" || !versionTag.MatchString(im.NewTag) {
			t.Errorf("staging image %+v: only golive's tag (vX.Y.Z) may differ", im)
		}
	}
	// Patches: the Ingress host, nothing else.
	op := regexp.MustCompile(`(?m)^\s*- op: (\w+)\n\s*path: (\S+)`)
	for _, p := range staging.Patches {
		ops := op.FindAllStringSubmatch(p.Patch, -1)
		if p.Target.Kind != "Ingress" || len(ops) == 0 {
			t.Errorf("staging patches %s %s: only the Ingress host may differ from prod", p.Target.Kind, p.Target.Name)
		}
		for _, o := range ops {
			if o[1] != "replace" || (o[2] != "/spec/rules/0/host" && o[2] != "/spec/tls/0/hosts/0") {
				t.Errorf("staging patch %s %s: only the Ingress host may differ from prod", o[1], o[2])
			}
		}
	}

	// The canary: beside prod, under a name and label of its own.
	if !slices.Equal(canary.Resources, []string{"../../base"}) || canary.Namespace != prod.Namespace || canary.NameSuffix == "" {
		t.Errorf("canary: resources %v namespace %q suffix %q, want the base in prod's namespace, renamed", canary.Resources, canary.Namespace, canary.NameSuffix)
	}
	var base struct {
		Labels []struct {
			Pairs map[string]string `yaml:"pairs"`
		} `yaml:"labels"`
	}
	readYAML(t, "base/kustomization.yaml", &base)
	baseName := base.Labels[0].Pairs["app.kubernetes.io/name"]
	if len(canary.Labels) != 1 || !canary.Labels[0].IncludeSelectors {
		t.Fatal("the canary must relabel its selectors, or the prod Deployment and Service select its pods")
	}
	canaryName := canary.Labels[0].Pairs["app.kubernetes.io/name"]
	if canaryName == "" || canaryName == baseName {
		t.Errorf("the canary's app.kubernetes.io/name %q must differ from prod's %q", canaryName, baseName)
	}
	deleted := map[string]bool{}
	del := regexp.MustCompile(`\$patch: delete\n(?:.*\n)*?\s*kind: (\w+)`)
	var canaryPatch, prodPatch string
	for _, p := range canary.Patches {
		if m := del.FindStringSubmatch(p.Patch); m != nil {
			deleted[m[1]] = true
			continue
		}
		switch p.Target.Kind {
		case "Deployment":
			canaryPatch = p.Patch
			if !regexp.MustCompile(`path: /spec/replicas\n\s*value: 1\n`).MatchString(p.Patch) {
				t.Error("the canary is not one replica")
			}
		case "ServiceMonitor":
			if !strings.Contains(p.Patch, "value: "+canaryName) {
				t.Error("the canary's ServiceMonitor still selects prod's metrics Service")
			}
		default:
			t.Errorf("the canary patches %s", p.Target.Kind)
		}
	}
	for _, p := range prod.Patches {
		if p.Target.Kind == "Deployment" {
			prodPatch = p.Patch
		}
	}
	res := regexp.MustCompile(`value: \{requests.*`)
	if res.FindString(canaryPatch) == "" || res.FindString(canaryPatch) != res.FindString(prodPatch) {
		t.Errorf("the canary's resources %q are not prod's %q", res.FindString(canaryPatch), res.FindString(prodPatch))
	}
	// It takes no webhooks and is not scaled or counted with prod; it
	// keeps its NetworkPolicy, metrics Service and ServiceMonitor.
	for _, k := range []string{"Service", "Ingress", "HorizontalPodAutoscaler", "PodDisruptionBudget"} {
		if !deleted[k] {
			t.Errorf("the canary keeps the base's %s", k)
		}
	}
	for _, k := range []string{"NetworkPolicy", "ServiceMonitor", "Deployment"} {
		if deleted[k] {
			t.Errorf("the canary drops the base's %s", k)
		}
	}

	rb, err := os.ReadFile("../docs/runbook.md")
	if err != nil {
		t.Fatal(err)
	}
	overlays, _ := filepath.Glob("overlays/*")
	for _, o := range overlays {
		if o == filepath.Join("overlays", "dev") {
			continue
		}
		if !strings.Contains(string(rb), "`deploy/"+filepath.ToSlash(o)+"`") {
			t.Errorf("docs/runbook.md does not describe deploy/%s", o)
		}
	}
}

// credential reports whether an environment variable carries a secret.
var credential = regexp.MustCompile(`SECRET|TOKEN|PASSWORD|_AUTH$|PRIVATE_KEY$|REDIS_URL$`)

// TestSecretsOnlyFromSecrets: every credential reaches a container from a
// Secret (a secretKeyRef, a $(VAR) of one, a file of a Secret volume, or
// compose's ${VAR} from .env), never as a literal; no ConfigMap ships.
func TestSecretsOnlyFromSecrets(t *testing.T) {
	ref := regexp.MustCompile(`\$\(([A-Z_]+)\)`)
	checked := 0
	for file, ds := range docs(t) {
		for _, d := range ds {
			if d["kind"] == "ConfigMap" || d["configMapGenerator"] != nil {
				t.Errorf("%s ships a ConfigMap: settings go in env, credentials in Secrets", file)
			}
			eachContainer(d, func(c, pod any) {
				fromSecret := map[string]bool{}
				env, _ := dig(c, "env").([]any)
				for _, e := range env {
					if dig(e, "valueFrom", "secretKeyRef") != nil {
						fromSecret[dig(e, "name").(string)] = true
					}
				}
				for _, e := range env {
					name, _ := dig(e, "name").(string)
					if !credential.MatchString(name) || fromSecret[name] {
						continue
					}
					checked++
					v, _ := dig(e, "value").(string)
					refs := ref.FindAllStringSubmatch(v, -1)
					ok := len(refs) > 0
					for _, r := range refs {
						ok = ok && fromSecret[r[1]]
					}
					if !ok {
						t.Errorf("%s: %s is set to %q, not from a Secret", file, name, v)
					}
				}
				args, _ := dig(c, "args").([]any)
				args = append(args, dig(c, "command"))
				for i, a := range args {
					if a == "--requirepass" && (i+1 >= len(args) || !ref.MatchString(args[i+1].(string))) {
						t.Errorf("%s: --requirepass is not given a $(VAR) from a Secret", file)
					}
				}
			})
			// compose: a credential is ${VAR} from .env or a compose secret.
			if svcs, ok := d["services"].(map[string]any); ok {
				for svc, s := range svcs {
					env, _ := dig(s, "environment").(map[string]any)
					for name, v := range env {
						if !credential.MatchString(name) {
							continue
						}
						checked++
						if sv, _ := v.(string); !regexp.MustCompile(`\$\{[A-Z_]+(:\?)?\}`).MatchString(sv) {
							t.Errorf("%s: service %s sets %s to a literal", file, svc, name)
						}
					}
				}
			}
		}
	}
	if checked == 0 {
		t.Error("no credential set from a reference was checked")
	}
	// The chart's templates, as text: a credential's next line is its
	// secretKeyRef, or its value is built from $(VAR)s.
	tpl, _ := filepath.Glob("helm/golive/templates/*.yaml")
	for _, f := range tpl {
		b, _ := os.ReadFile(f)
		lines := strings.Split(string(b), "\n")
		for i, l := range lines {
			m := regexp.MustCompile(`^\s*- name: ([A-Z_]+)\s*$`).FindStringSubmatch(l)
			if m == nil || !credential.MatchString(m[1]) || i+1 >= len(lines) {
				continue
			}
			if next := lines[i+1]; !strings.Contains(next, "secretKeyRef") && !ref.MatchString(next) {
				t.Errorf("%s:%d: %s is not from a Secret: %s", f, i+2, m[1], strings.TrimSpace(next))
			}
		}
	}
}

// eachContainer calls fn with every container of a workload (Deployment,
// StatefulSet, CronJob).
func eachContainer(d map[string]any, fn func(c, pod any)) {
	for _, pod := range []any{dig(d, "spec", "template", "spec"), dig(d, "spec", "jobTemplate", "spec", "template", "spec")} {
		cs, _ := dig(pod, "containers").([]any)
		for _, c := range cs {
			fn(c, pod)
		}
	}
}

// TestLogsRotated: every compose service rotates its logs, within the
// limits docs/runbook.md states.
func TestLogsRotated(t *testing.T) {
	var compose struct {
		Services map[string]struct {
			Logging struct {
				Driver  string            `yaml:"driver"`
				Options map[string]string `yaml:"options"`
			} `yaml:"logging"`
		} `yaml:"services"`
	}
	readYAML(t, "compose.yaml", &compose)
	rb, _ := os.ReadFile("../docs/runbook.md")
	for name, s := range compose.Services {
		o := s.Logging.Options
		if s.Logging.Driver != "json-file" || o["max-size"] != "10m" || o["max-file"] != "5" {
			t.Errorf("compose service %s logs with %+v, want json-file, max-size 10m, max-file 5", name, s.Logging)
		}
	}
	if len(compose.Services) == 0 || !strings.Contains(string(rb), "5 files of 10 MB") {
		t.Error("docs/runbook.md does not state the compose log rotation")
	}
}
