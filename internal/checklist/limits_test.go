package checklist_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ag06mixer/golive/internal/checklist"
)

// TestRejectsOutOfRangeNumbers: NaN, infinities and settings past their
// bounds are refused with their place, never accepted as a passing value.
func TestRejectsOutOfRangeNumbers(t *testing.T) {
	const post = "version: 1\nsections:\n  - id: s\n    title: S\n    phase: 24h\n    groups:\n      - id: g\n        title: G\n        items:\n"
	probe := func(p string) string {
		return post + "          - {id: x, title: X, evidence: {probe: {" + p + "}}}\n"
	}
	for _, tc := range []struct{ name, src, want string }{
		{"nan min_success", probe(`tcp: {address: "a.example:1"}, window: {min_success: .nan}`), `must be a finite number`},
		{"inf min_success", probe(`tcp: {address: "a.example:1"}, window: {min_success: .inf}`), `must be a finite number`},
		{"negative inf", probe(`tcp: {address: "a.example:1"}, window: {min_success: -.inf}`), `must be a finite number`},
		{"min_success over 1", probe(`tcp: {address: "a.example:1"}, window: {min_success: 1.5}`), `min_success must be above 0 and at most 1`},
		{"timeout over 1h", probe(`tcp: {address: "a.example:1"}, timeout: 2h`), `probe timeout 2h0m0s is over the 1h0m0s maximum`},
		{"max_latency over 1h", probe(`http: {url: "https://a.example/", max_latency: 90m}`), `probe http.max_latency 1h30m0s is over the 1h0m0s maximum`},
		{"interval over a day", probe(`tcp: {address: "a.example:1"}, interval: 48h`), `probe interval 48h0m0s is over the 24h0m0s maximum`},
		{"min_days too large", probe(`tls: {host: a.example, min_days: 99999}`), `min_days must be 0 to 3650`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := resolve(t, tc.src)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "golive.yml:10:") {
				t.Errorf("got %v, want a problem at golive.yml:10 saying %q", err, tc.want)
			}
		})
	}
}

// TestFileTooLarge: a file over 1 MB is one problem at FILE:1:1.
func TestFileTooLarge(t *testing.T) {
	data := []byte("version: 1\n# " + strings.Repeat("x", checklist.MaxFileSize) + "\n")
	_, err := checklist.Parse("big.yml", data)
	if err == nil || !strings.HasPrefix(err.Error(), "big.yml:1:1: file is") {
		t.Errorf("got %v, want big.yml:1:1: file is … over the limit", err)
	}
}

// bigLayer is a repo layer of n items.
func bigLayer(n int) []byte {
	var b strings.Builder
	b.WriteString("version: 1\nsections:\n  - id: big\n    title: Big\n    groups:\n      - id: g\n        title: G\n        items:\n")
	for i := range n {
		fmt.Fprintf(&b, "          - {id: i%d, title: Item %d}\n", i, i)
	}
	return []byte(b.String())
}

// TestTenThousandItems parses and resolves 10k items, then layers 5k
// overrides and 5k drops over them; quadratic work here would take minutes.
func TestTenThousandItems(t *testing.T) {
	const n = 10000
	base, err := checklist.Parse("org.yml", bigLayer(n))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("version: 1\noverride:\n")
	for i := 1; i < n; i += 2 {
		fmt.Fprintf(&b, "  i%d: {title: Changed %d}\n", i, i)
	}
	b.WriteString("drop:\n")
	for i := 0; i < n; i += 2 {
		fmt.Fprintf(&b, "  - i%d\n", i)
	}
	repo, err := checklist.Parse("repo.yml", []byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	def, _ := checklist.Default()
	c, err := checklist.Resolve(def, base, repo)
	if err != nil {
		t.Fatal(err)
	}
	e, ok := c.Item("i1")
	if !ok || e.Item.Title != "Changed 1" {
		t.Errorf("got %+v, want item i1 titled Changed 1", e.Item)
	}
	if _, ok := c.Item("i0"); ok {
		t.Errorf("item i0 is still there after drop")
	}
}

func BenchmarkResolve10k(b *testing.B) {
	data := bigLayer(10000)
	def, _ := checklist.Default()
	for b.Loop() {
		f, err := checklist.Parse("org.yml", data)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := checklist.Resolve(def, f); err != nil {
			b.Fatal(err)
		}
	}
}

// TestCAIsNeverAPath: validate refuses a TLS probe's ca path (ca:
// /dev/zero ran golive out of memory), a ca_name with a path in it, and a
// ca_pem that holds no certificate.
func TestCAIsNeverAPath(t *testing.T) {
	const pre = "version: 1\nsections:\n  - id: s\n    title: S\n    groups:\n      - id: g\n        title: G\n        items:\n"
	for _, tc := range []struct{ name, tls, want string }{
		{"ca path", `host: a.example, ca: /dev/zero`, `ca names a file on golive's machine`},
		{"ca_name with a slash", `host: a.example, ca_name: ../etc/ca.pem`, `must be a plain file name`},
		{"ca_name hidden", `host: a.example, ca_name: .pem`, `must be a plain file name`},
		{"ca_pem not PEM", `host: a.example, ca_pem: "hello"`, `ca_pem holds no PEM certificate`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := resolve(t, pre+"          - {id: x, title: X, evidence: {probe: {tls: {"+tc.tls+"}}}}\n")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want %q", err, tc.want)
			}
		})
	}
}
