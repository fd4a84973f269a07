package release_test

import (
	"strings"
	"testing"

	"github.com/ag06mixer/golive/internal/release"
)

// TestMayApprove: the dashboard's "waiting on me" asks the same rules an
// /approve is judged by, and asking changes nothing.
func TestMayApprove(t *testing.T) {
	c := cfg(t)
	s := release.New(release.Key{Owner: "o", Repo: "r", PR: 7})
	s.HeadSHA, s.Author, s.LastPusher = "sha1", "alice", "pete"
	s.Signoffs = []release.Signoff{{Role: "security", By: "sam", At: t0, SHA: "sha1"}}
	who := func(login string, roles ...string) release.Principal {
		return release.Principal{Login: login, Permission: "write", Roles: roles, Known: true}
	}
	for _, tc := range []struct {
		name   string
		p      release.Principal
		role   string
		want   bool
		reason string
	}{
		{"holder", who("bob", "business"), "business", true, ""},
		{"not a holder", who("bob", "business"), "ops", false, "cannot give"},
		{"the author", who("alice", "business"), "business", false, "author"},
		{"the last pusher", who("pete", "business"), "business", false, "last pusher"},
		{"one role per person", who("sam", "security", "business"), "business", false, "one sign-off per release"},
		{"already signed", who("sam", "security"), "security", false, "already signed"},
		{"in order", who("rita", "final"), "final", false, "waits for the other sign-offs"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := len(s.Signoffs)
			got, why := release.MayApprove(c, s, tc.p, tc.role, t0)
			if got != tc.want || !strings.Contains(why, tc.reason) {
				t.Errorf("got %v %q, want %v with %q", got, why, tc.want, tc.reason)
			}
			if len(s.Signoffs) != before {
				t.Error("MayApprove changed the state")
			}
		})
	}
}
