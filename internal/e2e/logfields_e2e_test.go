package e2e

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// logLines are the JSON records in a log, one a line.
func logLines(t *testing.T, log string) []map[string]any {
	t.Helper()
	var recs []map[string]any
	for line := range strings.SplitSeq(strings.TrimSpace(log), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("a log line is not JSON (%v): %s", err, line)
		}
		recs = append(recs, m)
	}
	return recs
}

func withMsg(recs []map[string]any, msg string) []map[string]any {
	var out []map[string]any
	for _, r := range recs {
		if r["msg"] == msg {
			out = append(out, r)
		}
	}
	return out
}

// TestE2ELogFields: a release's story can be read from the JSON log.
// Each delivery's line names it, its event, its outcome and how long it
// took in ms; each event applied names the delivery, the release and the
// repo; each sync names the release, the repo and the decision it wrote.
func TestE2ELogFields(t *testing.T) {
	t.Parallel()
	var logs syncBuffer
	h := newHarness(t, harnessOpts{logs: &logs})
	signers(h)
	h.send("pull_request", h.openPR(t, "opened", nil))
	h.send("check_run", h.checkRun(t, "CI / unit tests", headA, "success"))
	h.settle()
	h.send("issue_comment", h.comment(t, "rita", "/hold legal has not cleared the launch", true))
	h.settle()
	sent := []string{"pull_request", "check_run", "issue_comment"}
	release, repo := fmt.Sprintf("%s#%d", testRepo, prNum), testRepo
	waitUntil(t, "a log line for each delivery", func() bool {
		return len(withMsg(logLines(t, logs.String()), "delivery handled")) >= len(sent)
	})
	recs := logLines(t, logs.String())

	handled := map[string]map[string]any{}
	for _, r := range withMsg(recs, "delivery handled") {
		id, _ := r["delivery"].(string)
		handled[id] = r
		if _, ok := r["duration_ms"].(float64); !ok || r["duration"] != nil {
			t.Errorf("the delivery's duration is not in ms under duration_ms: %v", r)
		}
		if r["event"] == "" || r["event"] == nil || r["outcome"] == nil {
			t.Errorf("the delivery's line lacks its event or outcome: %v", r)
		}
	}
	events := map[any]bool{}
	for _, r := range handled {
		events[r["event"]] = r["outcome"] == "applied"
	}
	for _, e := range sent {
		if !events[e] {
			t.Errorf("no \"delivery handled\" line says a %s delivery was applied; have %v", e, handled)
		}
	}

	applied := map[string]bool{}
	for _, r := range withMsg(recs, "event applied") {
		if r["release"] != release || r["repo"] != repo {
			t.Errorf("an applied event names release %v, repo %v; want %s, %s", r["release"], r["repo"], release, repo)
		}
		id, _ := r["delivery"].(string)
		applied[id] = true
	}
	for id, r := range handled {
		if r["outcome"] == "applied" && !applied[id] {
			t.Errorf("no \"event applied\" line names the applied delivery %s", id)
		}
	}

	decisions := map[string]bool{}
	for _, r := range withMsg(recs, "release synced") {
		if r["release"] != release || r["repo"] != repo {
			t.Errorf("a sync names release %v, repo %v", r["release"], r["repo"])
		}
		if _, ok := r["total"].(float64); !ok {
			t.Errorf("a sync's line lacks its counts: %v", r)
		}
		d, _ := r["decision"].(string)
		decisions[d] = true
	}
	if !decisions["blocked"] || !decisions["held"] {
		t.Errorf("the syncs' decisions %v, want blocked and then held", decisions)
	}
}
