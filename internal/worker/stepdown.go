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
// hand, or once it has waited StepDownWait here. Under a flood the queue
// holds a backlog, so its entries are past their window.
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
func (w *Worker) admit(ctx context.Context, d Delivery) {
	if w.o.IngestBusy == nil || w.o.Monotonic().Sub(d.Received) < w.o.OrderWindow {
		// A fresh entry is never held: the one in hand may be waiting in
		// its release's line for events made before it and delivered a
		// little later (OrderWindow), and this may be one of them.
		return
	}
	start := w.o.Monotonic()
	held := false
	for w.inHand.Load() > 0 && w.o.IngestBusy() && ctx.Err() == nil {
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

// SteppingDown reports whether the workers step down now: the ingest is
// saturated (golive_worker_stepping_down).
func (w *Worker) SteppingDown() bool { return w.o.IngestBusy != nil && w.o.IngestBusy() }
