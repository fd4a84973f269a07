package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/ag06mixer/golive/internal/cli"
	"github.com/ag06mixer/golive/internal/githubfake"
)

// TestProtect requires the check through branch protection and through a
// ruleset against the fake GitHub, which validates every request; a second
// run changes nothing, and --dry-run changes nothing.
func TestProtect(t *testing.T) {
	t.Parallel()
	fake := githubfake.New(loadSpec(t))
	t.Cleanup(func() {
		fake.Close()
		for _, v := range fake.Violations() {
			t.Errorf("golive sent a request GitHub does not define: %s", v)
		}
	})
	fake.AddRepo("acme", "shop")
	env := map[string]string{"GOLIVE_GITHUB_API_URL": fake.URL(), "GOLIVE_APP_ID": "4242", "GITHUB_TOKEN": "ghp_admin", "GOLIVE_CREDENTIALS_FILE": ""}
	run := func(args ...string) string {
		t.Helper()
		var out, errb bytes.Buffer
		if code := cli.Run(context.Background(), append([]string{"protect"}, args...), func(k string) string { return env[k] }, nil, &out, &errb); code != 0 {
			t.Fatalf("golive protect %v: exit %d: %s", args, code, errb.String())
		}
		return out.String()
	}
	writes := func() int { return fake.Writes() }

	for _, mode := range [][]string{{"acme/shop"}, {"acme/shop", "--ruleset"}} {
		before := writes()
		if out := run(append(mode, "--dry-run")...); !strings.Contains(out, "would change") {
			t.Errorf("%v dry run said %q", mode, out)
		}
		if writes() != before {
			t.Errorf("%v: a dry run wrote", mode)
		}
		if out := run(mode...); !strings.Contains(out, "changed:") {
			t.Errorf("%v said %q", mode, out)
		}
		before = writes()
		if out := run(mode...); !strings.Contains(out, "nothing to change") || writes() != before {
			t.Errorf("%v second run: %q, %d writes", mode, out, writes()-before)
		}
	}
	// Other required checks are kept; an unpinned golive check is pinned.
	fake.Do(func(repos map[string]*githubfake.Repo) {
		repos["acme/shop"].Protection["main"] = map[string]any{"strict": true, "checks": []any{
			map[string]any{"context": "ci/unit", "app_id": 15368}, map[string]any{"context": "golive/readiness"}}}
	})
	run("acme/shop")
	fake.Do(func(repos map[string]*githubfake.Repo) {
		got := repos["acme/shop"].Protection["main"]
		s := strings.ReplaceAll(strings.ReplaceAll(toJSON(got), " ", ""), "\n", "")
		if !strings.Contains(s, `"context":"ci/unit"`) || !strings.Contains(s, `"app_id":4242`) || strings.Count(s, "golive/readiness") != 1 || !strings.Contains(s, `"strict":true`) {
			t.Errorf("protection after protect: %s", s)
		}
	})
}

func toJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
