package main

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/ag06mixer/golive/internal/githubfake"
)

// eventToWrite measures, for each sent event, the time until the fake
// GitHub saw the next write to that event's release (its tracking issue or
// its readiness check); -1 for an event not sent or never written. Event i belongs to release i % releases, whose
// pull request is 1000+r and whose head starts with r+1 in hex.
func eventToWrite(fake *githubfake.Fake, sent []time.Time, releases int) []time.Duration {
	owner := map[string]int{} // write path → release
	fake.Do(func(repos map[string]*githubfake.Repo) {
		for name, repo := range repos {
			for _, is := range repo.Issues {
				if m := issuePR.FindStringSubmatch(is.Body); m != nil {
					n, _ := strconv.Atoi(m[1])
					owner[fmt.Sprintf("/repos/%s/issues/%d", name, is.Number)] = n - 1000
				}
			}
			for _, cr := range repo.CheckRuns {
				if len(cr.HeadSHA) < 8 || cr.Name != "golive/readiness" {
					continue
				}
				if r, err := strconv.ParseInt(cr.HeadSHA[:8], 16, 64); err == nil {
					owner[fmt.Sprintf("/repos/%s/check-runs/%d", name, cr.ID)] = int(r) - 1
				}
			}
		}
	})
	writes := make([][]time.Time, releases)
	for _, req := range fake.Log() {
		path := req.Path
		if req.Created != "" {
			path = req.Created
		}
		if r, ok := owner[path]; ok && req.Method != "GET" && r >= 0 && r < releases {
			writes[r] = append(writes[r], req.At) // the log is in arrival order
		}
	}
	each := make([]time.Duration, len(sent))
	for i, at := range sent {
		each[i] = -1
		if at.IsZero() {
			continue
		}
		ws := writes[i%releases]
		if k := sort.Search(len(ws), func(k int) bool { return !ws[k].Before(at) }); k < len(ws) {
			each[i] = ws[k].Sub(at)
		}
	}
	return each
}

// inOrder is the latencies eventToWrite measured, without the events never
// written, in order.
func inOrder(each []time.Duration) []time.Duration {
	var lat []time.Duration
	for _, d := range each {
		if d >= 0 {
			lat = append(lat, d)
		}
	}
	slices.Sort(lat)
	return lat
}

var issuePR = regexp.MustCompile(`<!-- golive:release [^#]+#(\d+) -->`)

func quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[int(q*float64(len(sorted)-1))].Round(time.Millisecond)
}
