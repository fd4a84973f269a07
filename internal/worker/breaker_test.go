package worker

import (
	"testing"
	"time"
)

// TestBreakerCycle walks one installation's breaker through its states
// with an injected clock: closed → open after the threshold → half-open
// trial after the cool-down → open again for twice as long → closed when
// GitHub answers. Another installation is never affected.
func TestBreakerCycle(t *testing.T) {
	var changes []bool
	b := &breaker{threshold: 3, cooldown: 10 * time.Second, maxCap: 25 * time.Second, m: map[int64]*circuit{},
		changed: func(inst int64, open bool) { changes = append(changes, open) }}
	t0 := time.Date(2026, 12, 2, 6, 0, 0, 0, time.UTC)
	at := func(d time.Duration) time.Time { return t0.Add(d) }
	admit := func(inst int64, now time.Time, want bool) {
		t.Helper()
		if ok, _ := b.admit(inst, now); ok != want {
			t.Fatalf("admit(%d) at %v = %v, want %v", inst, now.Sub(t0), ok, want)
		}
	}
	for i := range 2 {
		if _, open := b.record(1, at(0), failedOutage); open {
			t.Fatalf("open after %d failures, threshold 3", i+1)
		}
	}
	b.record(1, at(0), answered) // an answer resets the count
	for range 2 {
		b.record(1, at(0), failedOutage)
	}
	admit(1, at(0), true)
	if _, open := b.record(1, at(time.Second), failedOutage); !open {
		t.Fatal("not open after 3 failures in a row")
	}
	admit(1, at(5*time.Second), false)
	admit(2, at(5*time.Second), true)
	if got := b.wait(1, at(5*time.Second)); got != 6*time.Second {
		t.Fatalf("wait = %v, want the 6s left of the cool-down", got)
	}
	admit(1, at(11*time.Second), true)  // half-open: the trial
	admit(1, at(11*time.Second), false) // one trial at a time
	b.record(1, at(12*time.Second), failedOutage)
	admit(1, at(25*time.Second), false) // cool-down doubled to 20s from 12s
	admit(1, at(32*time.Second), true)
	b.record(1, at(33*time.Second), neutral) // says nothing of GitHub
	admit(1, at(33*time.Second), true)       // a new trial
	b.record(1, at(34*time.Second), failedOutage)
	admit(1, at(58*time.Second), false) // capped at 25s, not 40s
	admit(1, at(59*time.Second), true)
	if closed, open := b.record(1, at(60*time.Second), answered); !closed || open {
		t.Fatalf("record(answered) = closed %v open %v, want closed", closed, open)
	}
	admit(1, at(60*time.Second), true)
	if !b.idle() {
		t.Fatal("not idle after closing")
	}
	if len(changes) != 2 || !changes[0] || changes[1] {
		t.Fatalf("changes = %v, want [open closed]", changes)
	}
}
