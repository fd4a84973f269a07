package release_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ag06mixer/golive/internal/release"
)

// TestSignoffKeepsStandingCheckedThen: an accepted sign-off records the
// permission and teams golive looked up for the signer, and when; one
// whose standing was never looked up records none.
func TestSignoffKeepsStandingCheckedThen(t *testing.T) {
	checked := t0.Add(-time.Minute)
	p := person("sam", "write", "security")
	p.Teams, p.CheckedAt = []string{"acme/security"}, checked
	n, reply := say(t, dutyState(), p, "/approve security")
	if len(n.Signoffs) != 1 {
		t.Fatalf("sign-offs %+v, reply %q; want one", n.Signoffs, reply)
	}
	want := &release.Standing{Permission: "write", Teams: []string{"acme/security"}, CheckedAt: checked}
	if diff := cmp.Diff(want, n.Signoffs[0].Standing); diff != "" {
		t.Errorf("standing of the sign-off (-want +got):\n%s", diff)
	}
	n, _ = say(t, dutyState(), person("sam", "write", "security"), "/approve security")
	if len(n.Signoffs) != 1 || n.Signoffs[0].Standing != nil {
		t.Errorf("a sign-off whose standing was not looked up: %+v, want no standing", n.Signoffs)
	}
}
