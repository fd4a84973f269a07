package tracker_test

import (
	"context"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/tracker"
	"github.com/ag06mixer/golive/internal/tracker/trackertest"
)

// oneTrip is the in-memory store with redisstore's one-round-trip save
// (SaveIndexed), counting its calls and the separate index writes.
type oneTrip struct {
	*trackertest.Store
	combined, separate int
}

func (s *oneTrip) SaveIndexed(ctx context.Context, release string, state []byte, open bool, repo string, shas, refs []string) error {
	s.combined++
	if err := s.Store.SaveState(ctx, release, state, open); err != nil {
		return err
	}
	for _, sha := range shas {
		if err := s.Store.IndexCommit(ctx, repo, sha, release); err != nil {
			return err
		}
	}
	for _, ref := range refs {
		if err := s.Store.IndexRef(ctx, repo, ref, release); err != nil {
			return err
		}
	}
	return nil
}

func (s *oneTrip) IndexCommit(ctx context.Context, repo, sha, release string) error {
	s.separate++
	return s.Store.IndexCommit(ctx, repo, sha, release)
}

// TestCommitSavesAndIndexesInOneCall: a store that can save and index in
// one round trip gets the commit's save and index changes in that one
// call, and the release is indexed by its head.
func TestCommitSavesAndIndexesInOneCall(t *testing.T) {
	r := newRig(t)
	st := &oneTrip{Store: r.st}
	r.tr = tracker.New(tracker.Options{States: st, Locks: st, Index: st, Marks: st, Cache: st, Queue: st, GitHub: r.gh,
		HTTPStatus: trackertest.Status, OrderWindow: -1, Clock: func() time.Time { return t0.Add(time.Hour) }})
	r.open()
	if st.combined == 0 || st.separate != 0 {
		t.Errorf("commit: %d combined saves, %d separate index writes; want the combined one only", st.combined, st.separate)
	}
	got, err := st.ByCommit(context.Background(), owner+"/"+repo, headA)
	if err != nil || len(got) != 1 || got[0] != key.String() {
		t.Errorf("the head indexes %v (%v), want the release", got, err)
	}
}
