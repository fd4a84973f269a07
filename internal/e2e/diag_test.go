package e2e

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/ag06mixer/golive/internal/redisstore"
)

// logRing keeps the last lines every replica logged at warn and above,
// so a scenario that does not settle says why (a flaky settle in CI,
// 2026-12-03, left nothing to read but its count).
type logRing struct {
	mu    sync.Mutex
	lines []string
	part  []byte
}

// ringLines is how many log lines a harness keeps.
const ringLines = 80

func (r *logRing) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.part = append(r.part, p...)
	for {
		i := bytes.IndexByte(r.part, '\n')
		if i < 0 {
			break
		}
		r.lines = append(r.lines, string(r.part[:i]))
		r.part = r.part[i+1:]
		if len(r.lines) > ringLines {
			r.lines = r.lines[len(r.lines)-ringLines:]
		}
	}
	return len(p), nil
}

func (r *logRing) tail() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.lines...)
}

// unsettled describes what a harness that did not settle left behind:
// the releases still owed a sync, the fake's last requests, and the
// replicas' last warnings.
func (h *harness) unsettled() string {
	var b strings.Builder
	store := redisstore.New(h.redis.Client, h.redis.Prefix)
	if due, err := store.DueDirty(context.Background(), time.Now().Add(time.Hour), 10); err == nil {
		for _, d := range due {
			fmt.Fprintf(&b, "owed a sync: %s (mark %d)\n", d.Release, d.Gen)
		}
	}
	log := h.fake.Log()
	if len(log) > 40 {
		log = log[len(log)-40:]
	}
	for _, r := range log {
		fmt.Fprintf(&b, "github %s %s %s → %d\n", r.Start.Format("15:04:05.000"), r.Method, r.Path, r.Status)
	}
	for _, l := range h.ring.tail() {
		fmt.Fprintf(&b, "log %s\n", l)
	}
	return b.String()
}
