package githubfake

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
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

// page is the part [from, to) of a list of n that a request's page and
// per_page ask for, paged as GitHub pages (per_page 30 by default, at most
// 100); while there is a next page it sets the Link header to it, with the
// request's other parameters kept.
func (f *Fake) page(w http.ResponseWriter, r *http.Request, n int) (from, to int) {
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	per, _ := strconv.Atoi(r.URL.Query().Get("per_page"))
	if page < 1 {
		page = 1
	}
	if per < 1 || per > 100 {
		per = 30
	}
	from, to = min((page-1)*per, n), min(page*per, n)
	if to < n {
		q := r.URL.Query()
		q.Set("page", strconv.Itoa(page+1))
		q.Set("per_page", strconv.Itoa(per))
		w.Header().Set("Link", fmt.Sprintf(`<%s%s?%s>; rel="next"`, f.Server.URL, r.URL.Path, q.Encode()))
	}
	return from, to
}
