package tracker_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

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
// after a failed write) is known as applied: it is not run through the
// core again, only its sync is marked owed (on its own, not in a
// commit). A record an older golive wrote, which kept the whole delivery
// id, knows the delivery too. (The core is idempotent for the events
// tried here, so what is observed is the path taken.)
func TestRedeliveryAppliesNothing(t *testing.T) {
	r := newCommitRig(t)
	d := queue.Delivery{ID: "72d3162e-cc78-11e3-81ab-4c9367dc0958", Event: "issue_comment", Attempt: 1, Received: t0,
		Payload: r.comment(601, "rita", "/approve qa")}
	handle := func() {
		t.Helper()
		d.Attempt++
		if _, err := r.tr.Handle(context.Background(), d); err != nil {
			t.Fatal(err)
		}
	}
	handle()
	if activeQA(r.rig) != 1 {
		t.Fatal("the sign-off did not count")
	}
	apart := r.st.apart.Load()
	handle()
	if r.st.apart.Load() != apart+1 {
		t.Errorf("the redelivery was applied again (marks on their own: %d, want %d)", r.st.apart.Load(), apart+1)
	}
	if n := activeQA(r.rig); n != 1 {
		t.Errorf("%d sign-offs after the redelivery, want 1", n)
	}

	// A record an older golive wrote keeps the whole id.
	var raw map[string]json.RawMessage
	r.st.Do(func(s *trackertest.Store) { json.Unmarshal(s.States[key.String()], &raw) })
	old, _ := json.Marshal([]string{d.ID})
	raw["applied"] = old
	b, _ := json.Marshal(raw)
	r.st.Do(func(s *trackertest.Store) { s.States[key.String()] = b })
	apart = r.st.apart.Load()
	handle()
	if r.st.apart.Load() != apart+1 {
		t.Error("a redelivery known by its whole id (an older record) was applied again")
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
