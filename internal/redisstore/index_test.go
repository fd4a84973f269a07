package redisstore_test

import (
	"context"
	"slices"
	"testing"
	"time"
)

func TestCommitIndex(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	if err := s.IndexCommit(ctx, "o/r", "abc", "o/r#1"); err != nil {
		t.Fatal(err)
	}
	s.IndexCommit(ctx, "o/r", "abc", "o/r#2")
	s.IndexRef(ctx, "o/r", "release/1", "o/r#1")
	got, _ := s.ByCommit(ctx, "o/r", "abc")
	slices.Sort(got)
	if !slices.Equal(got, []string{"o/r#1", "o/r#2"}) {
		t.Errorf("ByCommit = %v", got)
	}
	if got, _ := s.ByCommit(ctx, "o/other", "abc"); len(got) != 0 {
		t.Errorf("another repo's commit found %v", got)
	}
	if got, _ := s.ByRef(ctx, "o/r", "release/1"); !slices.Equal(got, []string{"o/r#1"}) {
		t.Errorf("ByRef = %v", got)
	}
}

// TestDirtyDebounce: marks push the due time out by the window, capped at
// the first mark + maxWait; a mark that arrives during a sync survives it.
func TestDirtyDebounce(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	t0 := time.UnixMilli(1_000_000)
	w, max := time.Second, 3*time.Second
	s.MarkDirty(ctx, "o/r#1", t0, w, max)
	if due, _ := s.DueDirty(ctx, t0.Add(999*time.Millisecond), 10); len(due) != 0 {
		t.Fatalf("due before the window: %v", due)
	}
	s.MarkDirty(ctx, "o/r#1", t0.Add(900*time.Millisecond), w, max)
	if due, _ := s.DueDirty(ctx, t0.Add(1500*time.Millisecond), 10); len(due) != 0 {
		t.Fatalf("a new mark did not push the window: %v", due)
	}
	for i := range 10 { // a steady stream: the cap still makes it due
		s.MarkDirty(ctx, "o/r#1", t0.Add(time.Duration(i)*400*time.Millisecond), w, max)
	}
	due, _ := s.DueDirty(ctx, t0.Add(max), 10)
	if len(due) != 1 || due[0].Release != "o/r#1" {
		t.Fatalf("not due at the cap: %v", due)
	}
	// A mark during the sync keeps the release dirty.
	s.MarkDirty(ctx, "o/r#1", t0.Add(4*time.Second), w, max)
	if ok, _ := s.ClearDirty(ctx, due[0]); ok {
		t.Fatal("cleared a mark that changed during the sync")
	}
	again, _ := s.DueDirty(ctx, t0.Add(time.Hour), 10)
	if ok, _ := s.ClearDirty(ctx, again[0]); !ok {
		t.Fatal("could not clear an unchanged mark")
	}
	if n, _ := s.DirtyCount(ctx); n != 0 {
		t.Fatalf("%d marks left", n)
	}
}
