package worker

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/redisstore"
	"github.com/ag06mixer/golive/internal/redisstore/redistest"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// queueOf is a Store whose stream holds the given entries, handed out
// one Read at a time; the rest of the Store is not used by read.
type queueOf struct {
	Store
	entries chan Delivery
}

func (q *queueOf) Claim(context.Context, string, time.Duration, int) ([]Delivery, error) {
	return nil, nil
}

func (q *queueOf) Read(ctx context.Context, _ string, _ int, block time.Duration) ([]Delivery, error) {
	select {
	case d := <-q.entries:
		return []Delivery{d}, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-time.After(block):
		return nil, nil
	}
}

// received is the next entry read hands out, or false if none came
// within wait.
func received(jobs <-chan Delivery, wait time.Duration) (Delivery, bool) {
	select {
	case d := <-jobs:
		return d, true
	case <-time.After(wait):
		return Delivery{}, false
	}
}

// TestStepDownHoldsBack: while the ingest is saturated, read hands out
// the next entry only when none is in hand; when it is not, at once. The
// entries held back are counted.
func TestStepDownHoldsBack(t *testing.T) {
	var busy atomic.Bool
	busy.Store(true)
	q := &queueOf{entries: make(chan Delivery, 8)}
	w := New(Options{Store: q, IngestBusy: busy.Load, StepDownWait: time.Hour})
	old := time.Now().Add(-time.Minute) // queued a while: past the order window
	for i := range 4 {
		q.entries <- Delivery{ID: string(rune('a' + i)), Received: old}
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	jobs := make(chan Delivery)
	done := make(chan struct{})
	go func() { w.read(ctx, jobs); close(done) }()
	defer func() { cancel(); <-done }()

	if _, ok := received(jobs, 5*time.Second); !ok {
		t.Fatal("the first entry was not handed out: nothing is in hand, so nothing waits")
	}
	// One in hand and the ingest saturated: the next waits for it.
	if d, ok := received(jobs, 50*time.Millisecond); ok {
		t.Fatalf("entry %s handed out while one was in hand and the ingest saturated", d.ID)
	}
	for deadline := time.Now().Add(5 * time.Second); testutil.ToFloat64(w.o.Metrics.HeldBack) != 1; {
		if time.Now().After(deadline) {
			t.Fatalf("held back %v entries, want 1", testutil.ToFloat64(w.o.Metrics.HeldBack))
		}
		time.Sleep(time.Millisecond)
	}
	w.inHand.Add(-1) // the handler finished it
	if _, ok := received(jobs, 5*time.Second); !ok {
		t.Fatal("the next entry was not handed out once none was in hand")
	}
	// The ingest no longer saturated: entries go out while others are in
	// hand.
	busy.Store(false)
	for range 2 {
		if _, ok := received(jobs, 5*time.Second); !ok {
			t.Fatal("an entry was held back while the ingest was not saturated")
		}
	}
	if n := w.inHand.Load(); n != 3 {
		t.Errorf("%d entries counted in hand, want 3", n)
	}
}

// TestStepDownBounded: an entry in hand that takes long (an opening
// waiting on GitHub) holds the next back for StepDownWait only.
func TestStepDownBounded(t *testing.T) {
	q := &queueOf{entries: make(chan Delivery, 2)}
	w := New(Options{Store: q, IngestBusy: func() bool { return true }, StepDownWait: 30 * time.Millisecond})
	old := time.Now().Add(-time.Minute)
	q.entries <- Delivery{ID: "a", Received: old}
	q.entries <- Delivery{ID: "b", Received: old}
	ctx, cancel := context.WithCancel(context.Background())
	jobs := make(chan Delivery)
	done := make(chan struct{})
	go func() { w.read(ctx, jobs); close(done) }()
	defer func() { cancel(); <-done }()
	for _, id := range []string{"a", "b"} {
		if d, ok := received(jobs, 5*time.Second); !ok || d.ID != id {
			t.Fatalf("entry %s not handed out (got %q, %v): the wait is bounded", id, d.ID, ok)
		}
	}
}

// TestStepDownOff: without IngestBusy (a replica built without the
// server, a test harness), nothing is held back.
func TestStepDownOff(t *testing.T) {
	w := New(Options{})
	w.inHand.Store(5)
	finished := make(chan struct{})
	go func() { w.admit(context.Background(), Delivery{}); close(finished) }()
	select {
	case <-finished:
	case <-time.After(5 * time.Second):
		t.Fatal("admit waited with no IngestBusy")
	}
}

// TestStepDownCountsFinished: Run counts an entry out of hand when its
// handler is done with it, whatever its outcome, so a replica that has
// drained its queue holds nothing back.
func TestStepDownCountsFinished(t *testing.T) {
	r := redistest.New(t)
	st := redisstore.New(r.Client, r.Prefix)
	w := New(Options{Store: st, GitHub: panickyClients{}, IngestBusy: func() bool { return true }, Workers: 3, Reconcile: -1})
	ctx := context.Background()
	for i, ev := range []string{"star", "check_run", "watch", "check_run", "star"} {
		body := `{}`
		if ev == "check_run" {
			body = `{"action":` // malformed: dead-lettered
		}
		if _, err := st.Enqueue(ctx, Delivery{ID: fmt.Sprintf("d-%d", i), Event: ev, Payload: []byte(body), Received: time.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	run, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { w.Run(run); close(done) }()
	defer func() { stop(); <-done }()
	if err := st.WaitIdle(ctx, 20*time.Second, 10*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for w.inHand.Load() != 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if n := w.inHand.Load(); n != 0 {
		t.Errorf("%d entries still counted in hand after the queue drained", n)
	}
}

// TestStepDownLetsFreshEntriesThrough: an entry still within its order
// window is handed out at once, saturated or not: the entry in hand may
// be waiting in its release's line for it (an event made before it and
// delivered a little later).
func TestStepDownLetsFreshEntriesThrough(t *testing.T) {
	q := &queueOf{entries: make(chan Delivery, 2)}
	w := New(Options{Store: q, IngestBusy: func() bool { return true }, StepDownWait: time.Hour, OrderWindow: time.Hour})
	q.entries <- Delivery{ID: "later-made, delivered first", Received: time.Now()}
	q.entries <- Delivery{ID: "earlier-made, delivered second", Received: time.Now()}
	ctx, cancel := context.WithCancel(context.Background())
	jobs := make(chan Delivery)
	done := make(chan struct{})
	go func() { w.read(ctx, jobs); close(done) }()
	defer func() { cancel(); <-done }()
	for range 2 {
		if d, ok := received(jobs, 5*time.Second); !ok {
			t.Fatalf("a fresh entry was held back behind the one in hand (got %q)", d.ID)
		}
	}
}

// blockingClients holds every GitHub client asked for until released,
// counting the asks: a handler that waits on GitHub.
type blockingClients struct {
	asked   atomic.Int64
	release chan struct{}
	once    sync.Once
}

func (b *blockingClients) Installation(int64) (GitHub, error) {
	b.asked.Add(1)
	<-b.release
	return nil, errors.New("no GitHub here")
}

func (b *blockingClients) Installations(context.Context) ([]int64, error) { return nil, nil }

// let releases the handlers waiting on GitHub, once.
func (b *blockingClients) let() { b.once.Do(func() { close(b.release) }) }

// runTwoEntries runs a worker (on monotonic, when set) whose ingest is
// saturated over a queue of two CI results queued a minute ago, each
// handler waiting on GitHub until gh.let is called (the test's cleanup
// does, if the test did not).
func runTwoEntries(t *testing.T, monotonic func() time.Time) (*Worker, *blockingClients) {
	t.Helper()
	r := redistest.New(t)
	st := redisstore.New(r.Client, r.Prefix)
	gh := &blockingClients{release: make(chan struct{})}
	w := New(Options{Store: st, GitHub: gh, IngestBusy: func() bool { return true }, StepDownWait: time.Hour, Workers: 4, Reconcile: -1,
		RetryBudget: time.Nanosecond, Monotonic: monotonic})
	ctx := context.Background()
	body, err := os.ReadFile("../../testdata/webhooks/check_run/completed.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"d-1", "d-2"} {
		if _, err := st.Enqueue(ctx, Delivery{ID: id, Event: "check_run", Payload: body, Received: time.Now().Add(-time.Minute)}); err != nil {
			t.Fatal(err)
		}
	}
	run, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { w.Run(run); close(done) }()
	t.Cleanup(func() {
		gh.let()
		stop()
		<-done
	})
	return w, gh
}

// TestStepDownInRun: through Run, while the ingest is saturated and one
// entry's handler waits on GitHub, the next entry is not started; it is
// once the first is done.
func TestStepDownInRun(t *testing.T) {
	w, gh := runTwoEntries(t, nil)
	for deadline := time.Now().Add(5 * time.Second); gh.asked.Load() < 1 || testutil.ToFloat64(w.o.Metrics.HeldBack) < 1; {
		if time.Now().After(deadline) {
			t.Fatalf("asked GitHub %d times, held back %v entries; want the first entry waiting and the second held", gh.asked.Load(), testutil.ToFloat64(w.o.Metrics.HeldBack))
		}
		time.Sleep(time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond) // the second entry, were it started, would ask now
	if n := gh.asked.Load(); n != 1 {
		t.Fatalf("%d entries started while one waited on GitHub and the ingest was saturated, want 1", n)
	}
	gh.let()
	for deadline := time.Now().Add(5 * time.Second); gh.asked.Load() < 2; {
		if time.Now().After(deadline) {
			t.Fatal("the second entry never started once the first was done")
		}
		time.Sleep(time.Millisecond)
	}
}

// TestStepDownRests: while the ingest is saturated, once the entry in
// hand is finished the next waits as long again as that entry took: the
// workers apply events about half the time, and the handler has the
// cores the rest. Not saturated, nobody rests.
func TestStepDownRests(t *testing.T) {
	var busy atomic.Bool
	busy.Store(true)
	var mu sync.Mutex
	now := time.Now()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	q := &queueOf{entries: make(chan Delivery, 8)}
	w := New(Options{Store: q, IngestBusy: busy.Load, StepDownWait: time.Hour, Monotonic: clock})
	old := time.Now().Add(-time.Minute)
	for i := range 3 {
		q.entries <- Delivery{ID: string(rune('a' + i)), Received: old}
	}
	ctx, cancel := context.WithCancel(context.Background())
	jobs := make(chan Delivery)
	done := make(chan struct{})
	go func() { w.read(ctx, jobs); close(done) }()
	defer func() { cancel(); <-done }()

	if _, ok := received(jobs, 5*time.Second); !ok {
		t.Fatal("the first entry was not handed out")
	}
	start := clock()
	advance(40 * time.Millisecond) // it takes 40 ms
	w.finished(start)
	if d, ok := received(jobs, 50*time.Millisecond); ok {
		t.Fatalf("entry %s handed out at once after one that took 40 ms, the ingest saturated", d.ID)
	}
	advance(39 * time.Millisecond)
	if d, ok := received(jobs, 50*time.Millisecond); ok {
		t.Fatalf("entry %s handed out 39 ms into a 40 ms rest", d.ID)
	}
	advance(time.Millisecond)
	if _, ok := received(jobs, 5*time.Second); !ok {
		t.Fatal("the next entry was not handed out once the rest was over")
	}
	start = clock()
	advance(time.Second)
	w.finished(start)
	busy.Store(false)
	if _, ok := received(jobs, 5*time.Second); !ok {
		t.Fatal("an entry was held in a rest while the ingest was not saturated")
	}
}

// TestStepDownRestsInRun: through Run, the rest after an entry counts
// from when its handler is done, as long as it took.
func TestStepDownRestsInRun(t *testing.T) {
	var mu sync.Mutex
	now := time.Now()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	w, gh := runTwoEntries(t, clock)
	for deadline := time.Now().Add(5 * time.Second); gh.asked.Load() < 1; {
		if time.Now().After(deadline) {
			t.Fatal("the first entry never asked GitHub")
		}
		time.Sleep(time.Millisecond)
	}
	advance(40 * time.Millisecond) // it waits on GitHub 40 ms
	gh.let()
	for deadline := time.Now().Add(5 * time.Second); w.inHand.Load() != 0; {
		if time.Now().After(deadline) {
			t.Fatal("the first entry never finished")
		}
		time.Sleep(time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond) // the second entry, were it started, would ask now
	if n := gh.asked.Load(); n != 1 {
		t.Fatalf("%d entries started within the rest after one that took 40 ms, want 1", n)
	}
	advance(40 * time.Millisecond)
	for deadline := time.Now().Add(5 * time.Second); gh.asked.Load() < 2; {
		if time.Now().After(deadline) {
			t.Fatal("the second entry never started once the rest was over")
		}
		time.Sleep(time.Millisecond)
	}
}
