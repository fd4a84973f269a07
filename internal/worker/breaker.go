package worker

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"time"
)

// Breaker defaults: five GitHub outage failures in a row for one
// installation open its breaker for 30 s; every failed trial after a
// cool-down doubles it, up to 5 minutes.
const (
	DefaultBreakerThreshold   = 5
	DefaultBreakerCooldown    = 30 * time.Second
	DefaultBreakerMaxCooldown = 5 * time.Minute
)

// breaker is a circuit breaker per installation, in the process (each
// replica keeps its own). Closed, every delivery runs. Open, the
// installation's deliveries are put back on the queue for the end of the
// cool-down, their attempts and retry budget not counted. After the
// cool-down it is half-open: one delivery runs as a trial; GitHub
// answering it closes the breaker, an outage failure opens it again for
// twice as long.
type breaker struct {
	threshold        int
	cooldown, maxCap time.Duration
	// changed reports an installation's breaker opening or closing.
	changed func(inst int64, open bool)

	mu sync.Mutex
	m  map[int64]*circuit // installations with an outage failure counted
}

type circuit struct {
	fails    int       // outage failures in a row
	open     bool      // opened and not yet closed by an answer
	until    time.Time // end of the cool-down
	cooldown time.Duration
	trial    bool // a half-open trial is running
}

// halfOpenWait is how long a delivery waits while another is the
// half-open trial.
const halfOpenWait = time.Second

// admit says whether a delivery of inst may run now; when not, wait is
// how long to put it back for.
func (b *breaker) admit(inst int64, now time.Time) (ok bool, wait time.Duration) {
	b.mu.Lock()
	defer b.mu.Unlock()
	c := b.m[inst]
	switch {
	case c == nil || !c.open:
		return true, 0
	case now.Before(c.until):
		return false, c.until.Sub(now)
	case c.trial:
		return false, min(halfOpenWait, b.cooldown)
	}
	c.trial = true
	return true, 0
}

// outcomeKind is what a delivery's run says of GitHub.
type outcomeKind int

const (
	// neutral says nothing of GitHub (a Redis error, a held lock).
	neutral outcomeKind = iota
	// answered: GitHub answered (success, or a 4xx).
	answered
	// failedOutage: GitHub answered 5xx or did not answer in time.
	failedOutage
)

// record counts the outcome of a delivery of inst that ran. It reports
// whether this outcome closed an open breaker (GitHub answers again) and
// whether the breaker is open after it.
func (b *breaker) record(inst int64, now time.Time, kind outcomeKind) (closed, open bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	c := b.m[inst]
	if c == nil {
		if kind != failedOutage {
			return false, false
		}
		c = &circuit{}
		b.m[inst] = c
	}
	wasTrial := c.trial
	c.trial = false
	switch kind {
	case neutral:
		return false, c.open
	case answered:
		closed = c.open
		delete(b.m, inst)
		if closed && b.changed != nil {
			b.changed(inst, false)
		}
		return closed, false
	}
	c.fails++
	switch {
	case c.open && wasTrial:
		c.cooldown = min(2*c.cooldown, b.maxCap)
		c.until = now.Add(c.cooldown)
	case c.open:
		// A delivery admitted before the breaker opened: it stays open.
	case c.fails >= b.threshold:
		c.open, c.cooldown, c.until = true, b.cooldown, now.Add(b.cooldown)
		if b.changed != nil {
			b.changed(inst, true)
		}
	}
	return false, c.open
}

// wait is how long a delivery of inst parked now waits: to the end of the
// cool-down, or a half-open pause when that has passed.
func (b *breaker) wait(inst int64, now time.Time) time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	if c := b.m[inst]; c != nil && now.Before(c.until) {
		return c.until.Sub(now)
	}
	return min(halfOpenWait, b.cooldown)
}

// idle reports whether no installation has an outage failure counted,
// so a success changes nothing and needs no look at its payload.
func (b *breaker) idle() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.m) == 0
}

func newBreaker(o Options) *breaker {
	return &breaker{threshold: o.BreakerThreshold, cooldown: o.BreakerCooldown,
		maxCap: max(DefaultBreakerMaxCooldown, o.BreakerCooldown), m: map[int64]*circuit{},
		changed: func(inst int64, open bool) {
			v := 0.0
			if open {
				v = 1
			}
			o.Metrics.BreakerOpen.WithLabelValues(strconv.FormatInt(inst, 10)).Set(v)
			o.Log.Warn("GitHub circuit breaker", "installation", inst, "open", open)
		}}
}

// paused puts a delivery back on the queue, unrun, while its
// installation's breaker is open. It reports whether it did.
func (w *Worker) paused(ctx context.Context, d Delivery, log *slog.Logger) bool {
	if w.breaker.idle() {
		return false
	}
	inst := installationOf(d)
	if inst == 0 {
		return false
	}
	ok, wait := w.breaker.admit(inst, w.o.Clock())
	if ok {
		return false
	}
	w.o.Metrics.Processed.WithLabelValues(d.Event, w.park(ctx, d, w.o.Clock().Add(wait), errBreakerOpen, log)).Inc()
	return true
}

// errBreakerOpen is the reason kept on a delivery parked unrun.
var errBreakerOpen = errors.New("GitHub circuit breaker open for the installation")

// park puts a delivery back for due without counting the try: it comes
// back as attempt 1 with its retry budget afresh, so an outage spent
// waiting never dead-letters it nor makes it fail closed.
func (w *Worker) park(ctx context.Context, d Delivery, due time.Time, cause error, log *slog.Logger) string {
	d.Attempt, d.First = 0, time.Time{} // Retry counts it back to 1
	log.Info("parked while GitHub fails", "until", due, "err", cause)
	if err := w.o.Store.Retry(ctx, d, due, cause); err != nil {
		log.Error("park delivery", "err", err)
	}
	return "paused"
}

// answered counts a delivery that ran through: GitHub answered. When that
// closes an installation's breaker, the dead letters are requeued.
func (w *Worker) answered(ctx context.Context, d Delivery) {
	if w.breaker.idle() {
		return
	}
	inst := installationOf(d)
	if inst == 0 {
		return
	}
	if closed, _ := w.breaker.record(inst, w.o.Clock(), answered); closed {
		w.requeueDead(ctx, w.o.Log)
	}
}

// maxAutoRequeue bounds the dead letters put back when a breaker closes.
const maxAutoRequeue = 1000

// requeueDead puts the dead letters back on the queue, as `golive
// requeue` does: GitHub answers again, so what failed while it did not
// may now go through.
func (w *Worker) requeueDead(ctx context.Context, log *slog.Logger) {
	n, err := w.o.Store.Requeue(ctx, maxAutoRequeue)
	if err != nil {
		log.Error("requeue dead letters after GitHub recovered", "err", err)
		return
	}
	if n > 0 {
		w.o.Metrics.Requeued.WithLabelValues("breaker_closed").Add(float64(n))
		log.Info("requeued dead letters: GitHub answers again", "n", n)
	}
}

// outage reports whether err is GitHub failing rather than answering: a
// 5xx status or a timeout.
func outage(err error, status func(error) int) bool {
	if err == nil {
		return false
	}
	if status != nil && status(err) >= 500 {
		return true
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// installationOf reads the installation a queue entry belongs to: the
// webhook payload's installation.id, or the number synthetic entries
// carry. 0 when it names none; the breaker then does not apply.
func installationOf(d Delivery) int64 {
	var p struct {
		Installation json.RawMessage `json:"installation"`
	}
	if json.Unmarshal(d.Payload, &p) != nil || len(p.Installation) == 0 {
		return 0
	}
	if n, err := strconv.ParseInt(string(p.Installation), 10, 64); err == nil {
		return n
	}
	var obj struct {
		ID int64 `json:"id"`
	}
	if json.Unmarshal(p.Installation, &obj) != nil {
		return 0
	}
	return obj.ID
}
