package e2e

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/ag06mixer/golive/internal/checklist"
	"github.com/ag06mixer/golive/internal/githubfake"
)

// configPR opens (or pushes to) PR n, not a release PR, into main whose
// head holds file as .github/golive.yml, and returns the real
// pull_request payload that reports it.
func (h *harness) configPR(t *testing.T, action string, n int, head, file string) []byte {
	t.Helper()
	h.fake.Do(func(repos map[string]*githubfake.Repo) {
		rp := repos[testRepo]
		if rp.FilesAt == nil {
			rp.FilesAt = map[string]map[string]string{}
		}
		if rp.Compares == nil {
			rp.Compares = map[string][]string{}
		}
		rp.FilesAt[head] = map[string]string{".github/golive.yml": file}
		rp.Compares["main..."+head] = []string{"README.md", ".github/golive.yml"}
	})
	h.fake.AddPull(testRepo, &githubfake.Pull{Number: n, Title: "Tune the checklist", Author: "rita", HeadRef: "config/tune", BaseRef: "main", HeadSHA: head})
	return payload(t, "pull_request/"+action+".json", func(m map[string]any) {
		set(m, "pull_request.number", n)
		set(m, "number", n)
		set(m, "pull_request.head.ref", "config/tune")
		set(m, "pull_request.head.sha", head)
		set(m, "pull_request.base.ref", "main")
		set(m, "pull_request.title", "Tune the checklist")
		set(m, "pull_request.labels", []any{})
	})
}

// annotations are the annotations golive sent with a check run.
func annotations(t *testing.T, c githubfake.CheckRun) []map[string]any {
	t.Helper()
	var o struct {
		Annotations []map[string]any `json:"annotations"`
	}
	if err := json.Unmarshal(c.Output, &o); err != nil {
		t.Fatal(err)
	}
	return o.Annotations
}

// TestE2EConfigPRCheck: a PR that changes .github/golive.yml on the
// default branch gets golive/readiness from the new file: with a bad line,
// a failure naming it FILE:LINE:COL (and an annotation on that line); a
// push that fixes it, success with the simulation over the releases golive
// recorded (here one merged release); a file over the size cap fails
// without being decoded. Each head is checked once, however often GitHub
// delivers the event.
func TestE2EConfigPRCheck(t *testing.T) {
	t.Parallel()
	h := openRelease(t)
	h.send("pull_request", h.mergeNow(t))
	h.settle()
	if n := len(h.receiptComments(t)); n != 1 {
		t.Fatalf("the merged release has %d receipt comments, want 1", n)
	}
	const n = 31
	const bad, good, huge = "c0ffee00000000000000000000000000000000b1", "c0ffee00000000000000000000000000000000b2", "c0ffee00000000000000000000000000000000b3"
	opened := h.configPR(t, "opened", n, bad, "version: 1\n\noverride:\n  aws-account-with-appropriate-bilign:\n    required: false\n")
	h.send("pull_request", opened)
	h.send("pull_request", opened) // a redelivery
	h.settle()
	cr := h.readiness(bad)
	if len(cr) != 1 {
		t.Fatalf("%d check runs on the config PR's head, want 1: %+v", len(cr), cr)
	}
	sum := cr[0].Summary()
	if cr[0].Conclusion != "failure" || cr[0].Title() != "Config change: 1 problem" ||
		!strings.Contains(sum, "`.github/golive.yml:4:3`") || !strings.Contains(sum, `did you mean "aws-account-with-appropriate-billing"?`) ||
		!strings.Contains(sum, "takes effect only once it is merged") {
		t.Fatalf("bad config PR: %s %q\n%s", cr[0].Conclusion, cr[0].Title(), sum)
	}
	if a := annotations(t, cr[0]); len(a) != 1 || a[0]["path"] != ".github/golive.yml" || a[0]["start_line"] != float64(4) {
		t.Errorf("annotations: %+v", a)
	}

	h.send("pull_request", h.configPR(t, "synchronize", n, good, "version: 1\ndrop: [aws-account-with-appropriate-billing]\n"))
	h.settle()
	cr = h.readiness(good)
	if len(cr) != 1 {
		t.Fatalf("%d check runs on the fixed head, want 1", len(cr))
	}
	sum = cr[0].Summary()
	if cr[0].Conclusion != "success" || !strings.Contains(sum, "The new file is valid.") ||
		!strings.Contains(sum, "this change would have blocked 0 of the last 1 release") ||
		!strings.Contains(sum, "`aws-account-with-appropriate-billing`") || !strings.Contains(sum, "takes effect only once it is merged") {
		t.Fatalf("fixed config PR: %s %q\n%s", cr[0].Conclusion, cr[0].Title(), sum)
	}

	h.send("pull_request", h.configPR(t, "synchronize", n, huge, "version: 1\n"+strings.Repeat("# padding\n", checklist.MaxFileSize/10+1)))
	h.settle()
	cr = h.readiness(huge)
	if len(cr) != 1 || cr[0].Conclusion != "failure" || !strings.Contains(cr[0].Summary(), "byte limit") {
		t.Fatalf("huge config PR: %+v", cr)
	}
	const bomb = "c0ffee00000000000000000000000000000000b4"
	lol := "version: 1\nx: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
	for i, prev := range []string{"a", "b", "c", "d", "e", "f", "g", "h"} {
		lol += fmt.Sprintf("x%d: &%c [*%s, *%s, *%s, *%s, *%s, *%s, *%s, *%s, *%s]\n", i, 'b'+i, prev, prev, prev, prev, prev, prev, prev, prev, prev)
	}
	h.send("pull_request", h.configPR(t, "synchronize", n, bomb, lol+"drop: *i\n"))
	h.settle()
	cr = h.readiness(bomb)
	if len(cr) != 1 || cr[0].Conclusion != "failure" || !strings.Contains(cr[0].Summary(), "aliases are not allowed") {
		t.Fatalf("alias bomb config PR: %+v", cr)
	}
	// The org's file is layered under the PR's, as serve layers it: a role
	// only the org defines is known.
	org := h.fake.AddRepo("Codertocat", ".github")
	h.fake.Do(func(map[string]*githubfake.Repo) {
		org.Files["golive.yml"] = "version: 1\nroles:\n  - {id: sre, title: SRE, users: [ann]}\n"
	})
	const layered = "c0ffee00000000000000000000000000000000b5"
	h.send("pull_request", h.configPR(t, "synchronize", n, layered, "version: 1\nsections:\n  - id: s\n    title: S\n    groups: [{id: g, title: G, items: [{id: x, title: X, evidence: {approval: {role: sre}}}]}]\n"))
	h.settle()
	if cr = h.readiness(layered); len(cr) != 1 || cr[0].Conclusion != "success" {
		t.Fatalf("a PR file using the org's role: %+v", cr)
	}
	if r := h.fake.Refused(); len(r) != 0 {
		t.Errorf("GitHub refused writes: %+v", r)
	}
}

// TestE2EConfigPRHiddenAmongManyFiles: GitHub cuts a compare's files at
// 300, so a PR that changes more could hide .github/golive.yml beyond the
// cut and pass for a plain PR ("Not a release PR", success). golive then
// compares the file itself at base and head, and the config PR gets its
// check: here a failure naming the bad line.
func TestE2EConfigPRHiddenAmongManyFiles(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOpts{})
	const n, head = 32, "c0ffee00000000000000000000000000000000c1"
	opened := h.configPR(t, "opened", n, head, "version: 1\n\noverride:\n  aws-account-with-appropriate-bilign:\n    required: false\n")
	h.fake.Do(func(repos map[string]*githubfake.Repo) {
		var many []string
		for i := range 300 {
			many = append(many, fmt.Sprintf("!generated/%03d.txt", i))
		}
		repos[testRepo].Compares["main..."+head] = many // the config is past the cut
	})
	h.send("pull_request", opened)
	h.settle()
	cr := h.readiness(head)
	if len(cr) != 1 || cr[0].Conclusion != "failure" || !strings.Contains(cr[0].Summary(), "`.github/golive.yml:4:3`") {
		t.Fatalf("a config PR of 300+ files: %+v", cr)
	}
}
