package release_test

import (
	"testing"

	"github.com/ag06mixer/golive/internal/release"
)

// TestParseKeyRoundTrip: ParseKey reads what Key.String writes, and
// refuses every other shape.
func TestParseKeyRoundTrip(t *testing.T) {
	k := release.Key{Owner: "acme", Repo: "shop.web", PR: 42}
	got, err := release.ParseKey(k.String())
	if err != nil || got != k {
		t.Fatalf("ParseKey(%q) = %+v, %v", k.String(), got, err)
	}
	for _, bad := range []string{"", "acme/shop", "acme#1", "acme/shop#0", "acme/shop#x", "/shop#1", "acme/#1", "a/b/c#1", "acme/shop#-3"} {
		if _, err := release.ParseKey(bad); err == nil {
			t.Errorf("ParseKey(%q) accepted", bad)
		}
	}
}
