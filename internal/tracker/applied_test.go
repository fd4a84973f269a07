package tracker_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/queue"
	"github.com/ag06mixer/golive/internal/tracker/trackertest"
)

// activeQA counts the qa sign-offs that still count.
func activeQA(r *rig) int {
	n := 0
	for _, so := range r.state().Signoffs {
		if so.Role == "qa" && so.Active() {
			n++
		}
	}
	return n
}

// TestRedeliveryAppliesNothing: a delivery applied once and delivered
// again (a worker that died after the save, before the ack; a retry
// after a failed write) applies nothing the second time, even after
// later events: a sign-off revoked since is not given back by the
// sign-off's own redelivery. An id the record kept whole, as a golive
// before the hashed ids did, is known too.
func TestRedeliveryAppliesNothing(t *testing.T) {
	r := newRig(t)
	r.gh.ConfigRepo = []byte(capConfig) // rita signs off as qa
	r.open()
	approve := queue.Delivery{ID: "72d3162e-cc78-11e3-81ab-4c9367dc0958", Event: "issue_comment", Attempt: 1, Received: t0,
		Payload: r.comment(601, "rita", "/approve qa")}
	if _, err := r.tr.Handle(context.Background(), approve); err != nil {
		t.Fatal(err)
	}
	if activeQA(r) != 1 {
		t.Fatal("the sign-off did not count")
	}
	r.handle("issue_comment", payload(t, "issue_comment/created.json", map[string]any{
		"comment.id": 602, "comment.body": "/revoke qa", "comment.user.login": "rita", "comment.created_at": t0.Add(2 * time.Minute).Format(time.RFC3339),
		"sender.login": "rita", "sender.type": "User", "issue.number": prNum, "issue.body": "",
		"issue.pull_request": map[string]any{"url": fmt.Sprintf("https://api.github.com/repos/%s/%s/pulls/%d", owner, repo, prNum)},
		"installation":       map[string]any{"id": 1},
	}))
	if activeQA(r) != 0 {
		t.Fatal("the revoke did not take the sign-off back")
	}
	approve.Attempt = 2
	if _, err := r.tr.Handle(context.Background(), approve); err != nil {
		t.Fatal(err)
	}
	if n := activeQA(r); n != 0 {
		t.Errorf("the sign-off's redelivery gave it back after its revoke: %d active", n)
	}

	// A command golive answers with a reply: its redelivery posts none.
	unknown := queue.Delivery{ID: "8c1f2a9e-cc78-11e3-81ab-4c9367dc0958", Event: "issue_comment", Attempt: 1, Received: t0,
		Payload: r.comment(603, "rita", "/approve nosuchrole")}
	m := r.mark()
	if _, err := r.tr.Handle(context.Background(), unknown); err != nil {
		t.Fatal(err)
	}
	replies := func(since int) (n int) {
		for _, w := range r.writes(since) {
			if strings.HasPrefix(w, "CreateComment") {
				n++
			}
		}
		return n
	}
	if replies(m) != 1 {
		t.Fatalf("the unknown role got %v, want one reply", r.writes(m))
	}
	m = r.mark()
	unknown.Attempt = 2
	if _, err := r.tr.Handle(context.Background(), unknown); err != nil {
		t.Fatal(err)
	}
	if n := replies(m); n != 0 {
		t.Errorf("the redelivery posted %d more replies: %v", n, r.writes(m))
	}

	// A record an older golive wrote keeps the whole id.
	var raw map[string]json.RawMessage
	r.st.Do(func(s *trackertest.Store) { json.Unmarshal(s.States[key.String()], &raw) })
	var old, b []byte
	old, _ = json.Marshal([]string{unknown.ID})
	raw["applied"] = old
	b, _ = json.Marshal(raw)
	r.st.Do(func(s *trackertest.Store) { s.States[key.String()] = b })
	m = r.mark()
	unknown.Attempt = 3
	if _, err := r.tr.Handle(context.Background(), unknown); err != nil {
		t.Fatal(err)
	}
	if n := replies(m); n != 0 {
		t.Errorf("a redelivery known by its whole id (an older record) posted %d replies: %v", n, r.writes(m))
	}
}

// TestRecordKeepsAppliedSmall: a long-lived release's record keeps its
// last 256 deliveries hashed, so it stays within issue #18's 8 KB however
// many events the release has seen (GitHub's 36-character ids kept whole
// took 10 KB on their own).
func TestRecordKeepsAppliedSmall(t *testing.T) {
	r := newRig(t)
	r.open()
	for i := range 300 {
		d := queue.Delivery{ID: fmt.Sprintf("%08x-cc78-11e3-81ab-4c9367dc0958", i), Event: "issue_comment", Attempt: 1, Received: t0,
			Payload: r.comment(int64(700+i), "rita", "Looks good to me.")}
		if _, err := r.tr.Handle(context.Background(), d); err != nil {
			t.Fatal(err)
		}
	}
	var b []byte
	r.st.Do(func(s *trackertest.Store) { b = s.States[key.String()] })
	var rec struct {
		Applied []string `json:"applied"`
	}
	if err := json.Unmarshal(b, &rec); err != nil {
		t.Fatal(err)
	}
	if len(rec.Applied) != 256 {
		t.Errorf("the record keeps %d deliveries, want the last 256", len(rec.Applied))
	}
	if len(b) > 8<<10 {
		t.Errorf("the record is %d bytes after 300 events, over 8 KB", len(b))
	}
	t.Logf("record after 300 events: %d bytes", len(b))
}
