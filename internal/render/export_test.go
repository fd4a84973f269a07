package render

// MemoKept reports what the title or note memo keeps for s.
func MemoKept(memo, s string) (string, bool) {
	m := titleMemo
	if memo == "note" {
		m = noteMemo
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	v, ok := m.m[s]
	return v, ok
}
