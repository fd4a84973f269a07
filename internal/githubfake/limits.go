package githubfake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"unicode/utf8"
)

// GitHub's limits golive depends on: an issue body or a comment holds at
// most 65,536 characters, a check run's output summary and text 65,535
// each. Past them GitHub answers 422 and keeps nothing.
const (
	MaxBody       = 65536
	MaxCheckText  = 65535
	maxIssueTitle = 256
)

var (
	issuesPath   = regexp.MustCompile(`^/repos/[^/]+/[^/]+/issues(/[0-9]+)?$`)
	commentsPath = regexp.MustCompile(`^/repos/[^/]+/[^/]+/issues/([0-9]+/comments|comments/[0-9]+)$`)
	checksPath   = regexp.MustCompile(`^/repos/[^/]+/[^/]+/check-runs(/[0-9]+)?$`)
)

// Refusal is a write the fake refused as GitHub would (422).
type Refusal struct {
	Method, Path, Reason string
}

// Refused lists the writes refused for breaking GitHub's limits.
func (f *Fake) Refused() []Refusal {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Refusal(nil), f.refused...)
}

// limitBroken returns why GitHub would refuse a write, or "".
func limitBroken(r *http.Request, body []byte) string {
	if r.Method != http.MethodPost && r.Method != http.MethodPatch {
		return ""
	}
	p := r.URL.Path
	var in map[string]json.RawMessage
	json.Unmarshal(body, &in)
	str := func(k string) (string, bool) {
		raw, ok := in[k]
		if !ok {
			return "", false
		}
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return "", false
		}
		return s, true
	}
	switch {
	case commentsPath.MatchString(p):
		b, _ := str("body")
		if n := utf8.RuneCountInString(b); n > MaxBody {
			return fmt.Sprintf("body is too long (maximum is %d characters), got %d", MaxBody, n)
		}
		if b == "" {
			return "body cannot be blank"
		}
	case issuesPath.MatchString(p):
		if b, ok := str("body"); ok && utf8.RuneCountInString(b) > MaxBody {
			return fmt.Sprintf("body is too long (maximum is %d characters), got %d", MaxBody, utf8.RuneCountInString(b))
		}
		t, ok := str("title")
		if (r.Method == http.MethodPost || ok) && t == "" {
			return "title cannot be blank"
		}
		if utf8.RuneCountInString(t) > maxIssueTitle {
			return fmt.Sprintf("title is too long (maximum is %d characters)", maxIssueTitle)
		}
	case checksPath.MatchString(p):
		var out struct {
			Title   *string `json:"title"`
			Summary *string `json:"summary"`
			Text    *string `json:"text"`
		}
		if raw, ok := in["output"]; ok {
			json.Unmarshal(raw, &out)
			if out.Summary != nil && utf8.RuneCountInString(*out.Summary) > MaxCheckText {
				return fmt.Sprintf("output.summary is too long (maximum is %d characters)", MaxCheckText)
			}
			if out.Text != nil && utf8.RuneCountInString(*out.Text) > MaxCheckText {
				return fmt.Sprintf("output.text is too long (maximum is %d characters)", MaxCheckText)
			}
			if out.Title == nil || out.Summary == nil || *out.Title == "" || *out.Summary == "" {
				return "output needs a title and a summary"
			}
		}
		status, _ := str("status")
		conclusion, _ := str("conclusion")
		if status == "completed" && conclusion == "" {
			return "conclusion is required when status is completed"
		}
	}
	return ""
}
