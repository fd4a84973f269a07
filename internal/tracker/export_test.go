package tracker

import "time"

// WaitCapSyncs waits for the cap syncs handed over so far to end.
func (tr *Tracker) WaitCapSyncs() { tr.caps.wg.Wait() }

// CapSyncsOwed is how many releases the cap pool still owes a sync.
func (tr *Tracker) CapSyncsOwed() int {
	tr.caps.mu.Lock()
	defer tr.caps.mu.Unlock()
	return len(tr.caps.owed)
}

// BackOff puts release name in the sync backoff, as a failed sync does,
// for the longest pause (a minute).
func (tr *Tracker) BackOff(name string) {
	tr.backoff.failed(name, tr.o.Monotonic(), time.Hour)
}
