package githubfake

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

func (f *Fake) route(w http.ResponseWriter, r *http.Request, route string, body []byte) {
	r.Body = io.NopCloser(bytes.NewReader(body))
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.mux == nil {
		// Built once: a ServeMux per request was a quarter of the fake's
		// CPU in golive-load's runs (registering patterns, runtime.Caller),
		// CPU the measured golive then had to share.
		f.mux = http.NewServeMux()
		f.routeApp(f.mux)
		f.routeRepo(f.mux)
		f.routeIssues(f.mux)
		f.routeChecks(f.mux)
		f.routeHooks(f.mux)
	}
	f.body = body
	defer func() { f.body = nil }()
	f.mux.ServeHTTP(w, r)
}

// location is the API address of something a create made, for Location.
func (f *Fake) location(rp *Repo, kind string, id int64) string {
	return fmt.Sprintf("%s/repos/%s/%s/%s/%d", strings.TrimSuffix(f.URL(), "/"), rp.Owner, rp.Name, kind, id)
}

func (f *Fake) withRepo(h func(http.ResponseWriter, *http.Request, *Repo)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		rp := f.repos[r.PathValue("owner")+"/"+r.PathValue("repo")]
		if rp == nil {
			writeJSON(w, 404, map[string]string{"message": "Not Found"})
			return
		}
		h(w, r, rp)
	}
}

func (f *Fake) withIssue(h func(http.ResponseWriter, *http.Request, *Repo, *Issue)) http.HandlerFunc {
	return f.withRepo(func(w http.ResponseWriter, r *http.Request, rp *Repo) {
		n, _ := strconv.Atoi(r.PathValue("n"))
		if st, ok := rp.Deleted[n]; ok {
			writeJSON(w, st, map[string]string{"message": "This issue was deleted"})
			return
		}
		for _, is := range rp.Issues {
			if is.Number == n {
				h(w, r, rp, is)
				return
			}
		}
		writeJSON(w, 404, map[string]string{"message": "Not Found"})
	})
}

func issueJSON(rp *Repo, is *Issue) map[string]any {
	labels := []map[string]any{}
	for _, l := range is.Labels {
		labels = append(labels, map[string]any{"name": l})
	}
	author, kind := is.Author, "User"
	if author == "" {
		author = "octocat"
	}
	if strings.HasSuffix(author, "[bot]") {
		kind = "Bot"
	}
	return map[string]any{"number": is.Number, "title": is.Title, "body": is.Body, "state": is.State, "labels": labels,
		"user":     map[string]any{"login": author, "type": kind},
		"html_url": fmt.Sprintf("https://github.com/%s/%s/issues/%d", rp.Owner, rp.Name, is.Number)}
}

func pullJSON(rp *Repo, p *Pull) map[string]any {
	labels := []map[string]any{}
	for _, l := range p.Labels {
		labels = append(labels, map[string]any{"name": l})
	}
	out := map[string]any{"number": p.Number, "title": p.Title, "state": p.State, "merged": p.Merged, "labels": labels,
		"user":     map[string]any{"login": p.Author},
		"head":     map[string]any{"ref": p.HeadRef, "sha": p.HeadSHA},
		"base":     map[string]any{"ref": p.BaseRef, "repo": map[string]any{"id": rp.ID, "name": rp.Name, "full_name": rp.Owner + "/" + rp.Name}},
		"html_url": fmt.Sprintf("https://github.com/%s/%s/pull/%d", rp.Owner, rp.Name, p.Number)}
	if p.MergeSHA != "" {
		out["merge_commit_sha"] = p.MergeSHA
	}
	if !p.UpdatedAt.IsZero() {
		out["updated_at"] = p.UpdatedAt.UTC().Format(time.RFC3339)
	}
	return out
}

func sortedPulls(rp *Repo) []int {
	ns := make([]int, 0, len(rp.Pulls))
	for n := range rp.Pulls {
		ns = append(ns, n)
	}
	sort.Ints(ns)
	return ns
}

func commentJSON(c *Comment) map[string]any {
	kind := "User"
	if strings.HasSuffix(c.Author, "[bot]") {
		kind = "Bot"
	}
	return map[string]any{"id": c.ID, "body": c.Body, "user": map[string]any{"login": c.Author, "type": kind}}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// nextIssueNumber is 1000 for the first issue, then one past the highest
// number used, deleted issues included (GitHub never reuses one).
func (rp *Repo) nextIssueNumber() int {
	n := 1000
	for _, is := range rp.Issues {
		n = max(n, is.Number+1)
	}
	for d := range rp.Deleted {
		n = max(n, d+1)
	}
	return n
}

// DeleteIssue deletes issue n (as GitHub's deleteIssue does): it leaves
// every list, and reads and writes of it answer status (410 or 404).
func (rp *Repo) DeleteIssue(n, status int) {
	for i, is := range rp.Issues {
		if is.Number == n {
			rp.Issues = append(rp.Issues[:i:i], rp.Issues[i+1:]...)
			break
		}
	}
	if rp.Deleted == nil {
		rp.Deleted = map[int]int{}
	}
	rp.Deleted[n] = status
	kept := rp.Comments[:0:0]
	for _, c := range rp.Comments {
		if c.Issue != n {
			kept = append(kept, c)
		}
	}
	rp.Comments = kept
}

// IssueByMarker returns the issue whose body holds marker, or nil.
func (rp *Repo) IssueByMarker(marker string) *Issue {
	for _, is := range rp.Issues {
		if strings.Contains(is.Body, marker) {
			return is
		}
	}
	return nil
}

// CheckRunsNamed returns the check runs with a name.
func (rp *Repo) CheckRunsNamed(name string) []*CheckRun {
	var out []*CheckRun
	for _, c := range rp.CheckRuns {
		if c.Name == name {
			out = append(out, c)
		}
	}
	return out
}
