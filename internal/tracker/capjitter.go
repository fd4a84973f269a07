package tracker

import (
	"hash/fnv"
	"time"
)

// capOf is a release's coalescing cap: MaxCoalesce shortened by up to a
// quarter, by an amount fixed by a hash of the release's name (issue #18).
// Releases under one steady stream then reach their caps spread over the
// last quarter of the window, never all at once, and each release keeps
// the same cap from one event to the next. It is never below Coalesce.
func (tr *Tracker) capOf(name string) time.Duration {
	return jitteredCap(name, tr.o.Coalesce, tr.o.MaxCoalesce)
}

func jitteredCap(name string, window, maxWait time.Duration) time.Duration {
	h := fnv.New64a()
	h.Write([]byte(name))
	quarter := maxWait / 4
	if quarter <= 0 {
		return maxWait
	}
	return max(window, maxWait-time.Duration(h.Sum64()%uint64(quarter)))
}
