package redisstore_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/queue"
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
	s.MarkDirty(ctx, "o/r#1", t0, w, max, time.Time{})
	if due, _ := s.DueDirty(ctx, t0.Add(999*time.Millisecond), 10); len(due) != 0 {
		t.Fatalf("due before the window: %v", due)
	}
	s.MarkDirty(ctx, "o/r#1", t0.Add(900*time.Millisecond), w, max, time.Time{})
	if due, _ := s.DueDirty(ctx, t0.Add(1500*time.Millisecond), 10); len(due) != 0 {
		t.Fatalf("a new mark did not push the window: %v", due)
	}
	for i := range 10 { // a steady stream: the cap still makes it due
		s.MarkDirty(ctx, "o/r#1", t0.Add(time.Duration(i)*400*time.Millisecond), w, max, time.Time{})
	}
	due, _ := s.DueDirty(ctx, t0.Add(max), 10)
	if len(due) != 1 || due[0].Release != "o/r#1" {
		t.Fatalf("not due at the cap: %v", due)
	}
	// A mark during the sync keeps the release dirty.
	s.MarkDirty(ctx, "o/r#1", t0.Add(4*time.Second), w, max, time.Time{})
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

// TestDirtySince: a release not marked yet counts its cap from when the
// change reached golive, by MarkDirty and by Commit alike; a later mark
// keeps that first time, and a since after now counts from now.
func TestDirtySince(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	t0 := time.UnixMilli(1_000_000)
	w, max := time.Minute, 10*time.Second
	_, due, err := s.MarkDirty(ctx, "o/r#1", t0, w, max, t0.Add(-3*time.Second))
	if err != nil || !due.Equal(t0.Add(7*time.Second)) {
		t.Fatalf("a change received 3 s ago with a 10 s cap is due at %v (%v), want t0+7s", due, err)
	}
	if _, due, _ = s.MarkDirty(ctx, "o/r#1", t0.Add(time.Second), w, max, t0.Add(time.Second)); !due.Equal(t0.Add(7 * time.Second)) {
		t.Fatalf("a second mark moved the cap to %v, want t0+7s", due)
	}
	_, due, err = s.Commit(ctx, queue.Commit{Release: "o/r#2", State: []byte(`{}`), Mark: true, Now: t0, Since: t0.Add(-4 * time.Second), Window: w, MaxWait: max})
	if err != nil || !due.Equal(t0.Add(6*time.Second)) {
		t.Fatalf("a commit of a change received 4 s ago is due at %v (%v), want t0+6s", due, err)
	}
	if _, due, _ = s.MarkDirty(ctx, "o/r#3", t0, w, max, t0.Add(time.Hour)); !due.Equal(t0.Add(max)) {
		t.Fatalf("a since after now is due at %v, want now + the cap", due)
	}
	if _, due, _ = s.MarkDirty(ctx, "o/r#4", t0, w, max, time.Time{}); !due.Equal(t0.Add(max)) {
		t.Fatalf("no since is due at %v, want now + the cap", due)
	}
}
