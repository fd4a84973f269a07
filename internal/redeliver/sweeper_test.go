package redeliver_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/redeliver"
	"github.com/ag06mixer/golive/internal/redisstore"
	"github.com/ag06mixer/golive/internal/redisstore/redistest"
)

// deliveryLog is an in-memory App delivery log: newest first, paged by
// cursor like GitHub's, with a redelivery answered by what taken says.
type deliveryLog struct {
	mu    sync.Mutex
	list  []redeliver.Delivery // oldest first
	per   int
	reads int
	asked map[int64]int // attempt id → times redelivery was asked
	taken bool          // whether golive takes a redelivery (202)
	fail  error         // Redeliver answers this error, when set
}

func newLog() *deliveryLog { return &deliveryLog{per: 3, asked: map[int64]int{}, taken: true} }

func (l *deliveryLog) add(guid string, at time.Time, status int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.list = append(l.list, redeliver.Delivery{ID: int64(len(l.list) + 1), GUID: guid, At: at, StatusCode: status})
}

func (l *deliveryLog) HookDeliveries(ctx context.Context, cursor string) ([]redeliver.Delivery, string, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.reads++
	start := 0
	if cursor != "" {
		fmt.Sscan(cursor, &start)
	}
	var page []redeliver.Delivery
	for i := len(l.list) - 1 - start; i >= 0 && len(page) < l.per; i-- {
		page = append(page, l.list[i])
	}
	next := ""
	if start+len(page) < len(l.list) {
		next = fmt.Sprint(start + len(page))
	}
	return page, next, nil
}

func (l *deliveryLog) Redeliver(ctx context.Context, id int64) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.fail != nil {
		return l.fail
	}
	l.asked[id]++
	orig := l.list[id-1]
	status := 503
	if l.taken {
		status = 202
	}
	l.list = append(l.list, redeliver.Delivery{ID: int64(len(l.list) + 1), GUID: orig.GUID, At: now, StatusCode: status, Redelivery: true})
	return nil
}

func (l *deliveryLog) askedGUIDs() map[string]int {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := map[string]int{}
	for id, n := range l.asked {
		out[l.list[id-1].GUID] += n
	}
	return out
}

func sweeper(st redeliver.Store, gh redeliver.GitHub, clock *time.Time) *redeliver.Sweeper {
	return redeliver.New(redeliver.Options{Store: st, GitHub: gh, Now: func() time.Time { return *clock }})
}

// TestSweepAsksOnce: failed deliveries are asked for once, across sweeps
// and across two replicas sweeping at the same time; taken ones never.
func TestSweepAsksOnce(t *testing.T) {
	r := redistest.New(t)
	st := redisstore.New(r.Client, r.Prefix)
	l := newLog()
	for i := range 10 {
		status := 202
		if i%3 == 0 {
			status = 503
		}
		l.add(fmt.Sprintf("g%d", i), at(time.Duration(20-i)*time.Minute), status)
	}
	l.add("g0", at(time.Minute), 503) // a second failed attempt of g0
	clock := now
	a, b := sweeper(st, l, &clock), sweeper(st, l, &clock)
	ctx := context.Background()
	var wg sync.WaitGroup
	for range 5 {
		for _, s := range []*redeliver.Sweeper{a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := s.Sweep(ctx); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
	}
	got := l.askedGUIDs()
	want := map[string]int{"g0": 1, "g3": 1, "g6": 1, "g9": 1}
	if len(got) != len(want) {
		t.Fatalf("asked for %v, want each of %v once", got, want)
	}
	for g, n := range want {
		if got[g] != n {
			t.Errorf("%s asked for %d times, want %d", g, got[g], n)
		}
	}
	// A sweep an hour later reads only back to the mark (less the overlap).
	clock = now.Add(time.Hour)
	l.mu.Lock()
	l.reads = 0
	l.mu.Unlock()
	res, err := a.Sweep(ctx)
	if err != nil || res.Asked != 0 {
		t.Fatalf("later sweep: %+v, %v; want nothing asked", res, err)
	}
	// Pages of 3: the four redeliveries made at the mark's time, then the
	// page that reaches back past the mark less the overlap. Not all 5.
	if res.Pages != 2 {
		t.Errorf("later sweep read %d pages, want 2 (it stops at the mark)", res.Pages)
	}
}

// gated holds a sweeper inside its first list read until released.
type gated struct {
	*deliveryLog
	entered, release chan struct{}
}

func (g gated) HookDeliveries(ctx context.Context, cursor string) ([]redeliver.Delivery, string, error) {
	g.entered <- struct{}{}
	<-g.release
	return g.deliveryLog.HookDeliveries(ctx, cursor)
}

// TestSweepLease: while one replica sweeps, another does not; after, it does.
func TestSweepLease(t *testing.T) {
	r := redistest.New(t)
	st := redisstore.New(r.Client, r.Prefix)
	l := newLog()
	l.add("g", at(time.Minute), 503)
	clock := now
	g := gated{l, make(chan struct{}), make(chan struct{})}
	a, b := sweeper(st, g, &clock), sweeper(st, l, &clock)
	ctx := context.Background()
	done := make(chan redeliver.Result)
	go func() {
		res, err := a.Sweep(ctx)
		if err != nil {
			t.Error(err)
		}
		done <- res
	}()
	<-g.entered // a holds the lease and is reading
	if res, err := b.Sweep(ctx); err != nil || res.Swept {
		t.Fatalf("b while a held the lease: %+v, %v; want no sweep", res, err)
	}
	close(g.release)
	if res := <-done; !res.Swept || res.Asked != 1 {
		t.Fatalf("a: %+v; want a sweep that asked for g", res)
	}
	if got := l.askedGUIDs()["g"]; got != 1 {
		t.Errorf("g asked for %d times, want 1", got)
	}
	if res, err := b.Sweep(ctx); err != nil || !res.Swept || res.Asked != 0 {
		t.Errorf("after a released the lease, b: %+v, %v; want a sweep asking nothing", res, err)
	}
}

// TestSweepFailedAskIsAskedAgain: a request GitHub did not take is
// forgotten, the mark stays, and the next sweep asks; a refusal is final.
func TestSweepFailedAskIsAskedAgain(t *testing.T) {
	r := redistest.New(t)
	st := redisstore.New(r.Client, r.Prefix)
	l := newLog()
	l.add("g", at(time.Minute), 503)
	clock := now
	s := sweeper(st, l, &clock)
	ctx := context.Background()
	l.fail = errors.New("502 Bad Gateway")
	res, err := s.Sweep(ctx)
	if err == nil || res.Errors != 1 {
		t.Fatalf("got %+v, %v; want one failed request and an error", res, err)
	}
	if mark, _ := st.SweepMark(ctx); !mark.IsZero() {
		t.Errorf("a sweep with a failed request moved the mark to %v", mark)
	}
	l.fail = nil
	if res, err := s.Sweep(ctx); err != nil || res.Asked != 1 {
		t.Fatalf("next sweep: %+v, %v; want g asked for", res, err)
	}
	l.add("h", at(time.Minute), 503)
	l.fail = fmt.Errorf("%w: 422 too old", redeliver.ErrRefused)
	if res, err := s.Sweep(ctx); err != nil || res.Refused != 1 {
		t.Fatalf("got %+v, %v; want one refusal and no error", res, err)
	}
	l.fail = nil
	if res, err := s.Sweep(ctx); err != nil || res.Asked != 0 {
		t.Fatalf("after a refusal: %+v, %v; want nothing asked again", res, err)
	}
	lag, err := s.Lag(ctx)
	if err != nil || lag != 0 {
		t.Errorf("lag after a clean sweep at the clock's time: %v, %v; want 0", lag, err)
	}
	clock = now.Add(7 * time.Minute)
	if lag, _ := s.Lag(ctx); lag != 7*time.Minute {
		t.Errorf("lag 7 minutes on: %v", lag)
	}
}

// TestSweepPageLimit: a sweep reads at most MaxPages and says so.
func TestSweepPageLimit(t *testing.T) {
	r := redistest.New(t)
	st := redisstore.New(r.Client, r.Prefix)
	l := newLog()
	for i := range 20 {
		l.add(fmt.Sprintf("g%02d", i), at(time.Duration(60-i)*time.Minute), 503)
	}
	clock := now
	s := redeliver.New(redeliver.Options{Store: st, GitHub: l, MaxPages: 2, Now: func() time.Time { return clock }})
	res, err := s.Sweep(context.Background())
	if err != nil || !res.Truncated || res.Pages != 2 || res.Asked != 6 {
		t.Fatalf("got %+v, %v; want 2 pages read, truncated, the 6 newest asked", res, err)
	}
	var got []string
	for g := range l.askedGUIDs() {
		got = append(got, g)
	}
	sort.Strings(got)
	if got[0] != "g14" {
		t.Errorf("asked for %v, want the newest (g14…g19)", got)
	}
}

// TestStoreContract: what the sweeper relies on from Redis, should a
// lease expire mid-sweep and two replicas meet: a GUID is marked asked
// once; a lease is taken, renewed and dropped only by its holder.
func TestStoreContract(t *testing.T) {
	r := redistest.New(t)
	st := redisstore.New(r.Client, r.Prefix)
	ctx := context.Background()
	if ok, err := st.MarkAsked(ctx, "g", time.Hour); err != nil || !ok {
		t.Fatalf("first mark: %v, %v", ok, err)
	}
	if ok, _ := st.MarkAsked(ctx, "g", time.Hour); ok {
		t.Error("g marked asked twice")
	}
	if got, _ := st.Asked(ctx, []string{"g", "h"}); !got["g"] || got["h"] {
		t.Errorf("asked %v, want g only", got)
	}
	st.UnmarkAsked(ctx, "g")
	if ok, _ := st.MarkAsked(ctx, "g", time.Hour); !ok {
		t.Error("g still marked after it was forgotten")
	}
	if ok, _ := st.TakeLease(ctx, "x", "a", time.Minute); !ok {
		t.Fatal("a could not take a free lease")
	}
	if ok, _ := st.TakeLease(ctx, "x", "b", time.Minute); ok {
		t.Error("b took a held lease")
	}
	if ok, _ := st.RenewLease(ctx, "x", "b", time.Minute); ok {
		t.Error("b renewed a's lease")
	}
	st.DropLease(ctx, "x", "b")
	if ok, _ := st.RenewLease(ctx, "x", "a", time.Minute); !ok {
		t.Error("b's drop freed a's lease")
	}
	st.DropLease(ctx, "x", "a")
	if ok, _ := st.TakeLease(ctx, "x", "b", time.Minute); !ok {
		t.Error("the lease a dropped is not free")
	}
}

// TestSweepAsksAgainWhenRedeliveryFails: a redelivery can fail too (it
// lands on a replica whose Redis client is still reconnecting). When every
// redelivery asked for has come back failed, the next sweep asks again,
// MaxAsks times in all and never more; one taken ends it.
func TestSweepAsksAgainWhenRedeliveryFails(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		name     string
		takenAt  int // the ask whose redelivery golive takes; 0: none is
		wantAsks int
	}{
		{"every redelivery fails", 0, redeliver.MaxAsks},
		{"the second redelivery is taken", 2, 2},
		{"the first redelivery is taken", 1, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := redistest.New(t)
			st := redisstore.New(r.Client, r.Prefix)
			l := newLog()
			l.taken = false
			l.add("g", at(5*time.Minute), 503)
			clock := now
			s := sweeper(st, l, &clock)
			for i := range 2 * redeliver.MaxAsks {
				l.mu.Lock()
				asks := 0
				for _, n := range l.asked {
					asks += n
				}
				l.taken = c.takenAt > 0 && asks+1 >= c.takenAt
				l.mu.Unlock()
				if _, err := s.Sweep(ctx); err != nil {
					t.Fatalf("sweep %d: %v", i, err)
				}
			}
			if got := l.askedGUIDs()["g"]; got != c.wantAsks {
				t.Errorf("asked %d times, want %d", got, c.wantAsks)
			}
		})
	}
}
