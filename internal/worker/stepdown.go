package worker

import (
	"context"
	"time"
)

// DefaultStepDownWait bounds how long an entry waits for the one in hand
// while the workers step down.
const DefaultStepDownWait = 100 * time.Millisecond

// stepDownPoll is how often a waiting entry looks again.
const stepDownPoll = time.Millisecond

// admit holds the next entry back while the workers step down: when the
// webhook ingest is saturated (IngestBusy), an entry that has waited in
// the queue past the order window is handed out only when none is in
// hand and the workers have rested after the last one for as long as it
// took them, or once it has waited StepDownWait here. Under a flood the
// queue holds a backlog, so its entries are past their window.
//
// Ingest comes first under a flood. Acknowledging a delivery within
// GitHub's timeout is what keeps it; applying it can wait in the queue,
// which holds it durably. While the flood lasts, the workers share the
// cores with the handler, and made cheaper they only apply more events in
// the same CPU: on two cores 8 workers halved the deliveries/s the handler
// alone takes (docs/benchmarks.md). Stepped down to one entry at a time
// they leave it the cores; when the ingest is no longer saturated all of
// them run again and drain what the flood left. The bound keeps an entry
// that waits on GitHub (an opening, a sync at its cap) from holding the
// queue: after StepDownWait the next entry goes to another worker.
//
// The rest halves what one entry at a time still took: one worker made
// cheaper applied more events one after another, on the cores the
// handler needed, so the flood's ingest gained little from it. Rested,
// the workers take about half of one core while the ingest is saturated
// (an entry held StepDownWait goes out whatever is in hand); what the
// flood leaves in the queue is drained once it is over. Figures:
// docs/benchmarks.md, "Three round trips per event, and the workers rest".
func (w *Worker) admit(ctx context.Context, d Delivery) {
	if w.o.IngestBusy == nil || w.o.Monotonic().Sub(d.Received) < w.o.OrderWindow {
		// A fresh entry is never held: the one in hand may be waiting in
		// its release's line for events made before it and delivered a
		// little later (OrderWindow), and this may be one of them.
		return
	}
	start := w.o.Monotonic()
	held := false
	for (w.inHand.Load() > 0 || w.resting()) && w.o.IngestBusy() && ctx.Err() == nil {
		if w.o.Monotonic().Sub(start) >= w.o.StepDownWait {
			return
		}
		if !held {
			held = true
			w.o.Metrics.HeldBack.Inc()
		}
		sleep(ctx, stepDownPoll)
	}
}

// finished counts an entry handed out at start out of hand, and starts
// the workers' rest after it: as long as it took.
func (w *Worker) finished(start time.Time) {
	now := w.o.Monotonic()
	w.restUntil.Store(int64(now.Sub(w.base) + now.Sub(start)))
	w.inHand.Add(-1)
}

// resting says the workers' rest after the last entry lasts still.
func (w *Worker) resting() bool {
	return int64(w.o.Monotonic().Sub(w.base)) < w.restUntil.Load()
}

// SteppingDown reports whether the workers step down now: the ingest is
// saturated (golive_worker_stepping_down).
func (w *Worker) SteppingDown() bool { return w.o.IngestBusy != nil && w.o.IngestBusy() }
