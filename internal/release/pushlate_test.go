package release_test

import (
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/release"
)

// TestPushAppliedLateKeepsLaterSignoff: a push delivered to golive after a
// sign-off (a retried or redelivered webhook) voids only the sign-offs
// GitHub says were made before it. One made in a later second, by someone
// other than the pusher, was made on the new head: it is bound to it. The
// same second, the pusher, or a push whose time and pusher golive did not
// get from its own webhook (a rebuild) void it, as before.
func TestPushAppliedLateKeepsLaterSignoff(t *testing.T) {
	c := cfg(t)
	k := release.Key{Owner: "o", Repo: "r", PR: 7}
	pushAt := t0.Add(time.Hour)
	state := func(signedAt time.Time, by string) *release.State {
		s := release.New(k)
		s.HeadSHA, s.HeadTree = "sha1", "tree1"
		s.Signoffs = []release.Signoff{{Role: "security", By: by, At: signedAt, SHA: "sha1", Tree: "tree1"}}
		return s
	}
	push := func(s *release.State, pushedAt time.Time, pusher string) *release.State {
		n, _ := release.Apply(c, s, release.Event{Kind: release.EvPR, At: pushAt, Key: k, Actor: release.Principal{Login: pusher},
			PR: &release.PRInfo{HeadSHA: "sha2", HeadTree: "tree2", Synchronize: true, UpdatedAt: pushAt, PushedAt: pushedAt}})
		return n
	}
	n := push(state(pushAt.Add(2*time.Second), "sam"), pushAt, "pat")
	so, ok := release.ActiveSignoff(n, "security")
	if !ok || so.SHA != "sha2" || so.Tree != "tree2" {
		t.Fatalf("a sign-off made after the push was voided or left on the old head: %+v %v", so, ok)
	}
	for name, s := range map[string]*release.State{
		"made before the push":      push(state(pushAt.Add(-time.Second), "sam"), pushAt, "pat"),
		"made in the push's second": push(state(pushAt.Add(500*time.Millisecond), "sam"), pushAt, "pat"),
		"made by the pusher":        push(state(pushAt.Add(2*time.Second), "pat"), pushAt, "pat"),
		"push time unknown":         push(state(pushAt.Add(2*time.Second), "sam"), time.Time{}, "pat"),
		"pusher unknown":            push(state(pushAt.Add(2*time.Second), "sam"), pushAt, ""),
		"pushed while not watching": push(state(pushAt.Add(2*time.Second), "sam"), pushAt, release.UnknownPusher),
	} {
		if _, ok := release.ActiveSignoff(s, "security"); ok {
			t.Errorf("%s: the sign-off survived the push", name)
		}
	}
}
