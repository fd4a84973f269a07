package tracker

// WaitCapSyncs waits for the cap syncs handed over so far to end.
func (tr *Tracker) WaitCapSyncs() { tr.caps.wg.Wait() }

// CapSyncsOwed is how many releases the cap pool still owes a sync.
func (tr *Tracker) CapSyncsOwed() int {
	tr.caps.mu.Lock()
	defer tr.caps.mu.Unlock()
	return len(tr.caps.owed)
}
