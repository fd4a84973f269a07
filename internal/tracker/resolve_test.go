package tracker

import (
	"strings"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/release"
)

func TestParseKey(t *testing.T) {
	k, err := ParseKey("acme/shop#42")
	if err != nil || k != (release.Key{Owner: "acme", Repo: "shop", PR: 42}) {
		t.Fatalf("got %+v %v", k, err)
	}
	for _, bad := range []string{"", "acme/shop", "acme#1", "acme/shop#0", "acme/shop#x", "/shop#1", "a/b/c#1", "acme/shop#-3"} {
		if _, err := ParseKey(bad); err == nil {
			t.Errorf("ParseKey(%q) accepted", bad)
		}
	}
}

func TestBackoff(t *testing.T) {
	got := []time.Duration{backoff(time.Second, 1), backoff(time.Second, 2), backoff(time.Second, 3), backoff(time.Second, 40)}
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 5 * time.Minute}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("backoff %d = %v, want %v", i+1, got[i], want[i])
		}
	}
}

// TestResolve: a valid repo file layers over the built-in checklist; an
// invalid or oversized one yields problems with positions and still a
// usable config (the built-in), never an empty one.
func TestResolve(t *testing.T) {
	cfg, ps := resolve([]byte("version: 1\nrelease:\n  labels: [ship-it]\n"), nil)
	if len(ps) != 0 || len(cfg.Flatten()) < 150 {
		t.Fatalf("valid layer: %d problems, %d items", len(ps), len(cfg.Flatten()))
	}
	cfg, ps = resolve([]byte("version: 1\nrelease:\n  head_branchez: [x]\n"), nil)
	if len(ps) == 0 || ps[0].Path != ".github/golive.yml" || ps[0].Line != 3 || !strings.Contains(ps[0].Message, "head_branchez") {
		t.Fatalf("invalid layer: problems %+v", ps)
	}
	if cfg == nil || len(cfg.Flatten()) < 150 {
		t.Fatal("an invalid layer left no usable config")
	}
	_, ps = resolve([]byte(strings.Repeat("#", 2<<20)), nil)
	if len(ps) != 1 || !strings.Contains(ps[0].Message, "limit") {
		t.Fatalf("oversized layer: %+v", ps)
	}
	_, ps = resolve(nil, []byte("version: 1\nroles: {}\n"))
	if len(ps) == 0 || ps[0].Path != "golive.yml" {
		t.Fatalf("invalid org layer: %+v", ps)
	}
}
