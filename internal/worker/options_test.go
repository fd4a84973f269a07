package worker

import (
	"testing"
	"time"
)

// TestOneSetOfDefaults: the options the worker shares with its tracker
// are filled once, by the tracker, and the worker runs on the same ones
// (one clock, one log, one consumer name, one reconcile interval).
func TestOneSetOfDefaults(t *testing.T) {
	w := New(Options{})
	tr := w.Tracker.Options()
	if w.o.Clock == nil || w.o.Monotonic == nil || w.o.Log == nil || w.o.Metrics == nil {
		t.Fatal("a shared default is missing")
	}
	if w.o.Log != tr.Log || w.o.Metrics != tr.Metrics || w.o.Consumer != tr.Consumer || w.o.Consumer == "" {
		t.Errorf("the worker and the tracker run on different defaults: consumer %q and %q", w.o.Consumer, tr.Consumer)
	}
	if w.o.Reconcile != 10*time.Minute || tr.Reconcile != w.o.Reconcile {
		t.Errorf("reconcile every %v (tracker %v), want 10m for both", w.o.Reconcile, tr.Reconcile)
	}
	set := New(Options{Reconcile: -1, Consumer: "replica-1"})
	if set.o.Reconcile != -1 || set.Tracker.Options().Consumer != "replica-1" || set.o.Consumer != "replica-1" {
		t.Errorf("given options not kept: reconcile %v, consumer %q", set.o.Reconcile, set.o.Consumer)
	}
	if w.o.Workers != 8 || w.o.ClaimIdle != time.Minute || w.o.RetryBudget != DefaultRetryBudget {
		t.Errorf("the worker's own defaults: %d workers, claim after %v, budget %v", w.o.Workers, w.o.ClaimIdle, w.o.RetryBudget)
	}
}
