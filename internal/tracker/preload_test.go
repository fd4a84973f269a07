package tracker_test

import (
	"context"
	"testing"

	"github.com/ag06mixer/golive/internal/tracker/trackertest"
)

func (r *rig) loadCalls() int {
	n := 0
	r.st.Do(func(s *trackertest.Store) { n = s.LoadCalls })
	return n
}

// TestEventReadsItsRecordWithTheLock: an event applied to a release reads
// the release's record in the lock's own round trip (issue #18: one round
// trip fewer per event), not with a LoadState of its own.
func TestEventReadsItsRecordWithTheLock(t *testing.T) {
	r := newCommitRig(t).rig
	loads := r.loadCalls()
	r.handle("issue_comment", r.comment(501, "rita", "/approve qa"))
	if got := r.loadCalls() - loads; got != 0 {
		t.Errorf("the event read the record %d more times with LoadState, want 0 (it comes with the lock)", got)
	}
	if activeQA(r) != 1 {
		t.Fatalf("the sign-off was not applied: %v", r.state().Signoffs)
	}
}

// TestRecordWithTheLockNeverStale: the record handed over with the lock
// serves the first read only, and not after a save: a read after a save
// under the same lock reads what was saved.
func TestRecordWithTheLockNeverStale(t *testing.T) {
	r := newRig(t)
	r.open()
	ctx := context.Background()
	saved := r.state()
	saved.Title = "saved under the lock"
	err := r.tr.UnderLock(ctx, key, func(ctx context.Context) error {
		if err := r.tr.SaveState(ctx, saved); err != nil { // a save before any read
			return err
		}
		s, err := r.tr.LoadState(ctx, key)
		if err != nil {
			return err
		}
		if s.Title != saved.Title {
			t.Errorf("read after a save: title %q, want %q (the record from before the save)", s.Title, saved.Title)
		}
		s.Title = "saved again"
		if err := r.tr.SaveState(ctx, s); err != nil {
			return err
		}
		if s, err = r.tr.LoadState(ctx, key); err != nil {
			return err
		}
		if s.Title != "saved again" {
			t.Errorf("second read: title %q, want %q", s.Title, "saved again")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
