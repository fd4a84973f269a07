package server

import (
	"context"
	"sync"
	"time"
)

// Reachability remembers whether a dependency golive can work without for
// a while (GitHub) answers. /readyz reports it as a degraded note, never
// as not ready: webhooks are queued in Redis while GitHub is away, and a
// Service that dropped every replica would refuse them at the load
// balancer instead. It asks the dependency at most once per period, in
// the background, so a probe never waits on it.
type Reachability struct {
	name   string
	check  func(ctx context.Context) error
	every  time.Duration
	now    func() time.Time
	report func(err error)

	mu      sync.Mutex
	asked   time.Time // when the last check started
	known   bool
	err     error
	running bool
}

// ReachTimeout bounds one reachability check.
const ReachTimeout = 10 * time.Second

// NewReachability checks name with check at most once per every (at
// least a second); report, when set, is told each result (the metric).
func NewReachability(name string, check func(ctx context.Context) error, every time.Duration, report func(err error)) *Reachability {
	return &Reachability{name: name, check: check, every: max(every, time.Second), now: time.Now, report: report}
}

// Status returns the last result (known false before the first check
// ended) and starts a check in the background when the last one is older
// than the period and none is running.
func (r *Reachability) Status() (known bool, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.now()
	if !r.running && (r.asked.IsZero() || now.Sub(r.asked) >= r.every) {
		r.asked, r.running = now, true
		go r.run()
	}
	return r.known, r.err
}

func (r *Reachability) run() {
	ctx, cancel := context.WithTimeout(context.Background(), ReachTimeout)
	defer cancel()
	err := r.check(ctx)
	r.mu.Lock()
	r.known, r.err, r.running = true, err, false
	r.mu.Unlock()
	if r.report != nil {
		r.report(err)
	}
}
