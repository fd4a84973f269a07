package e2e

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/checklist"
	"github.com/ag06mixer/golive/internal/cli"
	"github.com/ag06mixer/golive/internal/githubfake"
	"github.com/ag06mixer/golive/internal/receipt"
	"github.com/ag06mixer/golive/internal/release"
)

// simX is the required item the drop config removes; simRecorded builds
// the merge receipt of release i with every pre-merge item waived or
// signed but those missing.
const simX = "aws-account-with-appropriate-billing"

func simRecorded(t *testing.T, c *checklist.Config, key ed25519.PrivateKey, owner, repo string, pr int, at time.Time, missing map[string]bool) (string, receipt.Signed) {
	t.Helper()
	s := release.New(release.Key{Owner: owner, Repo: repo, PR: pr})
	s.HeadSHA, s.Status, s.MergedAt, s.Issue = fmt.Sprintf("%040x", pr), release.StatusMerged, at, 1000+pr
	s.Waivers = map[string]release.Waiver{}
	for _, e := range c.Flatten() {
		if e.Phase != checklist.PhasePreMerge || missing[e.Item.ID] {
			continue
		}
		if e.Item.Source() == checklist.SourceApproval {
			s.Signoffs = append(s.Signoffs, release.Signoff{Role: e.Item.Evidence.Approval.Role, By: "ann", At: at, SHA: s.HeadSHA})
			continue
		}
		s.Waivers[e.Item.ID] = release.Waiver{By: "ann", At: at, Reason: "test"}
	}
	r, err := receipt.Build(c, s, receipt.Point{Kind: receipt.KindMerge, ID: "merge", At: at}, receipt.Facts{})
	if err != nil {
		t.Fatal(err)
	}
	signed, file, err := receipt.Sign(r, key)
	if err != nil {
		t.Fatal(err)
	}
	body, err := receipt.Comment(signed, r, file)
	if err != nil {
		t.Fatal(err)
	}
	return body, signed
}

// optionalPreMerge is a pre-merge item the built-in config does not
// require (and no sign-off): the tightening config requires it.
func optionalPreMerge(t *testing.T, c *checklist.Config) string {
	for _, e := range c.Flatten() {
		if e.Phase == checklist.PhasePreMerge && !e.Item.IsRequired() && e.Item.Source() != checklist.SourceApproval {
			return e.Item.ID
		}
	}
	t.Fatal("the built-in config has no optional pre-merge item")
	return ""
}

// TestSimulateRepoLast20: golive simulate OWNER/REPO reads the merge
// receipts of the last 20 releases from their tracking issues in the fake
// GitHub (which checks every request against GitHub's OpenAPI). A config
// that drops one required item flips exactly the releases that missed only
// it, and lists no other item; one that requires an optional item blocks
// exactly the ready releases that lacked it. A forged and a tampered
// receipt on the issues are reported, never replayed; --last and PR
// numbers narrow what is read.
func TestSimulateRepoLast20(t *testing.T) {
	t.Parallel()
	fake := githubfake.New(loadSpec(t))
	t.Cleanup(func() {
		fake.Close()
		for _, v := range fake.Violations() {
			t.Errorf("golive sent a request GitHub does not define: %s", v)
		}
	})
	c := defaultCfg(t)
	key, _ := receipt.KeyFromSeed(bytes.Repeat([]byte{3}, 32))
	other, _ := receipt.KeyFromSeed(bytes.Repeat([]byte{4}, 32))
	y, z := "", optionalPreMerge(t, c)
	for _, e := range c.Flatten() {
		if e.Phase == checklist.PhasePreMerge && e.Item.IsRequired() && e.Item.Source() != checklist.SourceApproval && e.Item.ID != simX {
			y = e.Item.ID
			break
		}
	}
	at := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	fake.AddRepo("acme", "shop")
	// Release i is PR 100+i. Missing x only: 0 4 8 12 16; x and y: 5 15;
	// y only: 10; z (optional) is missing in every third.
	var flips, tightened []string
	fake.Do(func(repos map[string]*githubfake.Repo) {
		rp := repos["acme/shop"]
		for i := 0; i < 20; i++ {
			missing := map[string]bool{}
			if i%4 == 0 || i == 5 || i == 15 {
				missing[simX] = true
			}
			if i == 5 || i == 15 || i == 10 {
				missing[y] = true
			}
			if i%3 == 0 {
				missing[z] = true
			}
			if i%4 == 0 {
				flips = append(flips, fmt.Sprintf("acme/shop#%d: blocked → ready", 100+i))
			}
			if i%3 == 0 && len(missing) == 1 {
				tightened = append(tightened, fmt.Sprintf("acme/shop#%d: ready → blocked", 100+i))
			}
			body, _ := simRecorded(t, c, key, "acme", "shop", 100+i, at.Add(time.Duration(i)*time.Hour), missing)
			n := 1 + i
			rp.Issues = append(rp.Issues, &githubfake.Issue{Number: n, Title: "Release", State: "closed", Labels: []string{release.IssueLabel}, Author: githubfake.BotLogin})
			rp.Comments = append(rp.Comments, &githubfake.Comment{ID: int64(500 + i), Issue: n, Body: body, Author: githubfake.BotLogin},
				&githubfake.Comment{ID: int64(900 + i), Issue: n, Body: "looks good", Author: "ann"})
		}
		// Someone posts a receipt of their own signing on #20 (PR 119's
		// issue), claiming PR 119 was blocked; and a tampered copy on #19.
		forged, _ := simRecorded(t, c, other, "acme", "shop", 119, at.Add(30*time.Hour), map[string]bool{simX: true})
		real, _ := simRecorded(t, c, key, "acme", "shop", 118, at.Add(18*time.Hour), map[string]bool{})
		tampered := strings.Replace(real, `"verdict":"waived"`, `"verdict":"pending"`, 1)
		if tampered == real {
			t.Fatal("the tampering changed nothing")
		}
		rp.Comments = append(rp.Comments, &githubfake.Comment{ID: 1001, Issue: 20, Body: forged, Author: "mallory"},
			&githubfake.Comment{ID: 1002, Issue: 19, Body: tampered, Author: "mallory"})
	})
	keyFile := writeTemp(t, "k.pub", string(receipt.PublicPEM(key.Public().(ed25519.PublicKey))))
	env := map[string]string{"GOLIVE_GITHUB_API_URL": fake.URL(), "GITHUB_TOKEN": "ghp_reader"}
	run := func(cfg string, args ...string) string {
		t.Helper()
		var out, errb bytes.Buffer
		args = append([]string{"simulate", "--config", writeTemp(t, "golive.yml", cfg), "--key", keyFile}, args...)
		if code := cli.Run(context.Background(), args, func(k string) string { return env[k] }, nil, &out, &errb); code != 0 {
			t.Fatalf("golive %v: exit %d: %s%s", args, code, out.String(), errb.String())
		}
		return out.String()
	}

	out := run("version: 1\ndrop: ["+simX+"]\n", "acme/shop")
	if !strings.Contains(out, "this change would have blocked 0 of the last 20 releases, and let through 5 that were blocked") {
		t.Errorf("drop: wrong summary:\n%s", out)
	}
	for _, f := range flips {
		if !strings.Contains(out, f+"\n") {
			t.Errorf("drop: %q missing:\n%s", f, out)
		}
	}
	if got := strings.Count(out, "blocked → ready"); got != len(flips) {
		t.Errorf("drop: %d releases flipped, want %d:\n%s", got, len(flips), out)
	}
	if got := strings.Count(out, "ready → blocked"); got != 0 {
		t.Errorf("drop: %d releases newly blocked:\n%s", got, out)
	}
	// Nothing but the dropped item changes, in each of the 20 releases.
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "  ") && !strings.HasPrefix(l, "  "+simX+": ") {
			t.Errorf("drop: another item changed: %q", l)
		}
	}
	if got := strings.Count(out, "  "+simX+": "); got != 20 {
		t.Errorf("drop: %s listed in %d releases, want 20:\n%s", simX, got, out)
	}
	if !strings.Contains(out, "#20: receipt ") || !strings.Contains(out, "#19: receipt ") || strings.Count(out, "not replayed") != 2 {
		t.Errorf("the forged and tampered receipts are not both reported:\n%s", out)
	}

	out = run("version: 1\noverride:\n  "+z+":\n    required: true\n", "acme/shop")
	if want := fmt.Sprintf("this change would have blocked %d of the last 20 releases\n", len(tightened)); !strings.Contains(out, want) || len(tightened) == 0 {
		t.Errorf("tighten: want %q:\n%s", want, out)
	}
	for _, f := range tightened {
		if !strings.Contains(out, f+"\n") {
			t.Errorf("tighten: %q missing:\n%s", f, out)
		}
	}

	fake.ResetCounts()
	out = run("version: 1\ndrop: ["+simX+"]\n", "acme/shop", "--last", "5")
	if !strings.Contains(out, "of the last 5 releases") || strings.Contains(out, "acme/shop#114:") || !strings.Contains(out, "acme/shop#115:") {
		t.Errorf("--last 5:\n%s", out)
	}
	if n := fake.Count("GET /repos/{owner}/{repo}/issues/{issue_number}/comments"); n != 5 {
		t.Errorf("--last 5 read the comments of %d issues, want 5 (%v)", n, fake.Counts())
	}
	out = run("version: 1\ndrop: ["+simX+"]\n", "acme/shop", "104", "#107", "777")
	if !strings.Contains(out, "acme/shop#104: blocked → ready") || !strings.Contains(out, "acme/shop#107: ready → ready") ||
		!strings.Contains(out, "of the last 2 releases") || !strings.Contains(out, "no verified merge receipt for PR #777") {
		t.Errorf("PR form:\n%s", out)
	}
}
