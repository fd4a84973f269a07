package githubfake

import (
	"fmt"
	"sort"
	"strings"
)

// Violations lists requests GitHub's description does not allow.
func (f *Fake) Violations() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.violations...)
}

// Count returns how many requests matched "METHOD /route/template".
func (f *Fake) Count(route string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.counts[route]
}

// Counts returns every route's count.
func (f *Fake) Counts() map[string]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make(map[string]int, len(f.counts))
	for k, v := range f.counts {
		out[k] = v
	}
	return out
}

// Writes counts the requests that were not GETs.
func (f *Fake) Writes() int {
	n := 0
	for k, v := range f.Counts() {
		if !strings.HasPrefix(k, "GET ") {
			n += v
		}
	}
	return n
}

// Log returns the requests served, in order.
func (f *Fake) Log() []Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Request(nil), f.log...)
}

// ResetCounts zeroes the counters and the log.
func (f *Fake) ResetCounts() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.counts = map[string]int{}
	f.log = nil
}

// CountsTable formats the counts, sorted, one route per line.
func (f *Fake) CountsTable() string {
	c := f.Counts()
	keys := make([]string, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%5d  %s\n", c[k], k)
	}
	return b.String()
}

// NotModified counts the GETs answered 304.
func (f *Fake) NotModified() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.notModified
}
