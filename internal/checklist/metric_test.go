package checklist_test

import (
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ag06mixer/golive/internal/checklist"
)

func TestMetricConfig(t *testing.T) {
	const head = "version: 1\nsections:\n  - id: s\n    title: S\n    groups:\n      - id: g\n        title: G\n        phase: 24h\n        items:\n          - id: x\n            title: X\n            evidence:\n              metric:\n"
	const good = "                url: https://prom.example.com/prometheus\n                query: 'sum(rate(http_requests_total{code=~\"5..\"}[5m]))'\n                expect: {op: \"<\", value: 0.01}\n"
	for _, tc := range []struct {
		name, body string
		want       []string
	}{
		{"good", good + "                window: {min_success: 0.99}\n                interval: 1m\n", nil},
		{"no url", "                query: up\n                expect: {op: \">\", value: 0}\n", []string{`golive.yml:14:17: item "x": metric needs a url (the Prometheus API base)`}},
		{"ftp url", "                url: ftp://prom.example.com\n                query: up\n                expect: {op: \">\", value: 0}\n", []string{`golive.yml:14:22: item "x": metric URL "ftp://prom.example.com" must be http or https`}},
		{"url with credentials", "                url: https://u:p@prom.example.com\n                query: up\n                expect: {op: \">\", value: 0}\n", []string{`golive.yml:14:22: item "x": metric URL must not carry credentials; use headers with a secret reference`}},
		{"url with the query path", "                url: https://prom.example.com/api/v1/query\n                query: up\n                expect: {op: \">\", value: 0}\n", []string{`golive.yml:14:22: item "x": metric URL "https://prom.example.com/api/v1/query" must be the API base (golive adds /api/v1/query and the query itself)`}},
		{"url with a query string", "                url: https://prom.example.com/?query=up\n                query: up\n                expect: {op: \">\", value: 0}\n", []string{`golive.yml:14:22: item "x": metric URL "https://prom.example.com/?query=up" must be the API base (golive adds /api/v1/query and the query itself)`}},
		{"secret over http", "                url: http://prom.example.com\n                query: up\n                expect: {op: \">\", value: 0}\n                headers: {Authorization: {secret: prom}}\n", []string{`golive.yml:14:22: item "x": a metric with secret headers must use an https URL`}},
		{"no query", "                url: https://prom.example.com\n                expect: {op: \">\", value: 0}\n", []string{`golive.yml:14:17: item "x": metric needs a query (PromQL)`}},
		{"unbalanced query", "                url: https://prom.example.com\n                query: sum(rate(x[5m])\n                expect: {op: \">\", value: 0}\n", []string{`golive.yml:15:24: item "x": bad PromQL query: missing ) at the end`}},
		{"unclosed quote", "                url: https://prom.example.com\n                query: 'up{job=\"a}'\n                expect: {op: \">\", value: 0}\n", []string{`golive.yml:15:24: item "x": bad PromQL query: unclosed " at byte 8`}},
		{"bad op", "                url: https://prom.example.com\n                query: up\n                expect: {op: \"=>\", value: 0}\n", []string{`golive.yml:16:25: item "x": metric expect.op "=>" is not one of < <= > >= == !=`}},
		{"no expect", "                url: https://prom.example.com\n                query: up\n", []string{`golive.yml:14:17: item "x": metric expect.op "" is not one of < <= > >= == !=`}},
		{"value not a number", "                url: https://prom.example.com\n                query: up\n                expect: {op: \">\", value: lots}\n", []string{`golive.yml:16:42: "sections.0.groups.0.items.0.evidence.metric.expect.value" must be a number`}},
		{"nan threshold", "                url: https://prom.example.com\n                query: up\n                expect: {op: \">\", value: .nan}\n", []string{`golive.yml:16:42: "sections.0.groups.0.items.0.evidence.metric.expect.value" must be a finite number`}},
		{"unknown key", good + "                max_p95: 1s\n", []string{`golive.yml:17:17: unknown key "max_p95"`}},
		{"window share", good + "                window: {min_success: 1.5}\n", []string{`golive.yml:17:39: item "x": window min_success must be above 0 and at most 1 (got 1.5)`}},
		{"interval too short", good + "                interval: 1s\n", []string{`golive.yml:17:27: item "x": metric interval 1s is under the 10s minimum`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := resolve(t, head+tc.body)
			var got []string
			if err != nil {
				got = strings.Split(err.Error(), "\n")
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("problems (-want +got):\n%s", d)
			}
		})
	}
}

func TestMetricWindowBeforeMerge(t *testing.T) {
	src := "version: 1\nsections:\n  - id: s\n    title: S\n    groups:\n      - id: g\n        title: G\n        items:\n          - {id: x, title: X, evidence: {metric: {url: \"https://p.example.com\", query: up, expect: {op: \"==\", value: 1}, window: {min_success: 0.9}}}}\n"
	_, err := resolve(t, src)
	want := `golive.yml:9:130: item "x": a window applies only to post-go-live items (phase 24h, 7d or 30d)`
	if err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
}

func TestMetricExpectHolds(t *testing.T) {
	for _, tc := range []struct {
		op   string
		v    float64
		want bool
	}{
		{"<", 0.5, true}, {"<", 1, false}, {"<=", 1, true}, {"<=", 1.5, false},
		{">", 1.5, true}, {">", 1, false}, {">=", 1, true}, {">=", 0.5, false},
		{"==", 1, true}, {"==", 0.5, false}, {"!=", 0.5, true}, {"!=", 1, false},
		{"<", math.NaN(), false}, {"!=", math.NaN(), false}, {"~", 1, false},
		{"<", math.Inf(-1), true}, {">", math.Inf(1), true},
	} {
		e := checklist.MetricExpect{Op: tc.op, Value: 1}
		if got := e.Holds(tc.v); got != tc.want {
			t.Errorf("%v %s: got %v, want %v", tc.v, e, got, tc.want)
		}
	}
}

func TestMetricTargets(t *testing.T) {
	src := "version: 1\nsections:\n  - id: s\n    title: S\n    groups:\n      - id: g\n        title: G\n        items:\n          - {id: x, title: X, evidence: {metric: {url: \"http://127.0.0.1:9090\", query: up, expect: {op: \"==\", value: 1}}}}\n"
	c, err := resolve(t, src)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, pt := range c.ProbeTargets() {
		if pt.Item == "x" {
			got = append(got, pt.Host+" "+pt.Pos.String())
		}
	}
	if d := cmp.Diff([]string{"127.0.0.1 golive.yml:9:56"}, got); d != "" {
		t.Errorf("targets (-want +got):\n%s", d)
	}
}

func TestPinnedCheckConfig(t *testing.T) {
	const head = "version: 1\nsections:\n  - id: s\n    title: S\n    groups:\n      - id: g\n        title: G\n        items:\n"
	for _, tc := range []struct {
		name, item string
		want       []string
	}{
		{"app slug and creator", `          - {id: x, title: X, evidence: {check: {name: sast, app: github-actions, creator: "github-actions[bot]"}}}`, nil},
		{"app id", `          - {id: x, title: X, evidence: {check: {name: sast, app: "15368"}}}`, nil},
		{"bad app", `          - {id: x, title: X, evidence: {check: {name: sast, app: "GitHub Actions"}}}`, []string{`golive.yml:9:67: item "x": check app "GitHub Actions" must be a GitHub App slug (github-actions) or its numeric id`}},
		{"bad creator", `          - {id: x, title: X, evidence: {check: {name: sast, creator: "@mallory"}}}`, []string{`golive.yml:9:71: item "x": check creator "@mallory" is not a GitHub login`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := resolve(t, head+tc.item+"\n")
			var got []string
			if err != nil {
				got = strings.Split(err.Error(), "\n")
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("problems (-want +got):\n%s", d)
			}
		})
	}
}

func TestInvalidateOnConfig(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      []string
	}{
		{"good", "version: 1\nroles:\n  - id: business\n    invalidate_on: [\"migrations/**\", \"**/*.sql\"]\n", nil},
		{"bad glob", "version: 1\nroles:\n  - id: business\n    invalidate_on: [\"migrations/[\"]\n", []string{`golive.yml:4:21: role "business": bad path glob "migrations/[" in invalidate_on: syntax error in pattern`}},
		{"absolute", "version: 1\nroles:\n  - id: business\n    invalidate_on: [\"/etc/**\"]\n", []string{`golive.yml:4:21: role "business": bad path glob "/etc/**" in invalidate_on: want a path relative to the repository root`}},
		{"partial double star", "version: 1\nroles:\n  - id: business\n    invalidate_on: [\"db/**.sql\"]\n", []string{`golive.yml:4:21: role "business": bad path glob "db/**.sql" in invalidate_on: "**" must be a whole path segment`}},
		{"contradiction", "version: 1\nroles:\n  - id: business\n    invalidate_on_push: false\n    invalidate_on: [\"a/**\"]\n", []string{`golive.yml:5:20: role "business": invalidate_on contradicts invalidate_on_push: false`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := resolve(t, tc.src)
			var got []string
			if err != nil {
				got = strings.Split(err.Error(), "\n")
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("problems (-want +got):\n%s", d)
			}
		})
	}
}
