//go:build !nodemo

package cli

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/ag06mixer/golive/internal/checklist"
	"github.com/ag06mixer/golive/internal/githubfake"
	"github.com/ag06mixer/golive/internal/loadgen"
	"github.com/ag06mixer/golive/internal/release"
)

func (d *demo) step(s string) {
	d.n++
	fmt.Fprintf(d.e.stdout, "\n%d. %s\n", d.n, s)
}

// send signs and posts a webhook as GitHub would, then waits until golive
// has applied it and written to GitHub.
func (d *demo) send(event string, payload any) error {
	body, err := json.Marshal(payload)
	if err != nil {
		return err
	}
	req, err := loadgen.NewRequest(d.e.ctx, d.url, d.secret, loadgen.Delivery{Event: event, ID: fmt.Sprintf("demo-%d-%d", d.n, time.Now().UnixNano()), Body: body})
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("post %s webhook: %w", event, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		return fmt.Errorf("post %s webhook: golive answered %s", event, resp.Status)
	}
	return d.settle()
}

// settle waits for the queue to drain and owed syncs to be written.
func (d *demo) settle() error {
	return d.sys.Store().WaitIdle(d.e.ctx, 15*time.Second, 20*time.Millisecond)
}

func (d *demo) issue() githubfake.Issue {
	var out githubfake.Issue
	d.fake.Do(func(repos map[string]*githubfake.Repo) {
		if is := repos["acme/shop"].Issues; len(is) > 0 {
			out = *is[0]
		}
	})
	return out
}

func (d *demo) verdict() {
	var title, concl string
	d.fake.Do(func(repos map[string]*githubfake.Repo) {
		for _, c := range repos["acme/shop"].CheckRuns {
			if c.Name == release.CheckName && c.HeadSHA == d.head {
				title, concl = c.Title(), c.Conclusion
			}
		}
	})
	fmt.Fprintf(d.e.stdout, "  check %s on %s: %s — %s\n", release.CheckName, d.head[:7], concl, title)
}

func (d *demo) items(ids ...string) {
	ticks := release.Ticks(d.issue().Body)
	for _, id := range ids {
		box := "[ ]"
		if ticks[id] {
			box = "[x]"
		}
		title := id
		if e, ok := d.cfg.Item(id); ok {
			title = e.Item.Title
		}
		fmt.Fprintf(d.e.stdout, "  %s %s\n", box, title)
	}
}

func (d *demo) manualItem(ok func(*checklist.Item) bool) string {
	for _, e := range d.cfg.Flatten() {
		if e.Phase == checklist.PhasePreMerge && e.Item.Source() == checklist.SourceManual && len(e.Item.Items) == 0 && ok(e.Item) {
			return e.Item.ID
		}
	}
	return ""
}

// tick edits the issue body on the fake as a person would in the browser,
// then sends the issues.edited webhook GitHub would send.
func (d *demo) tick(user, id string) error {
	var before, after string
	var number int
	d.fake.Do(func(repos map[string]*githubfake.Repo) {
		is := repos["acme/shop"].Issues[0]
		before, number = is.Body, is.Number
		is.Body = strings.Replace(is.Body, "- [ ] "+release.ItemMarker(id), "- [x] "+release.ItemMarker(id), 1)
		after = is.Body
	})
	ev := &github.IssuesEvent{
		Action:  github.String("edited"),
		Issue:   &github.Issue{Number: github.Int(number), Body: github.String(after), UpdatedAt: &github.Timestamp{Time: time.Now()}},
		Changes: &github.EditChange{Body: &github.EditBody{From: github.String(before)}},
	}
	ev.Repo, ev.Sender, ev.Installation = demoRepo(), demoUser(user), demoInstallation()
	return d.send("issues", ev)
}

// comment posts a comment as user on the PR or the tracking issue and
// sends the issue_comment webhook.
func (d *demo) comment(user, body string, onPR bool) error {
	target := demoPR
	issueBody := ""
	if !onPR {
		is := d.issue()
		target, issueBody = is.Number, is.Body
	}
	var id int64
	d.fake.Do(func(repos map[string]*githubfake.Repo) {
		r := repos["acme/shop"]
		id = int64(900000 + len(r.Comments))
		r.Comments = append(r.Comments, &githubfake.Comment{ID: id, Issue: target, Body: body, Author: user})
	})
	is := &github.Issue{Number: github.Int(target), Body: github.String(issueBody)}
	if onPR {
		is.PullRequestLinks = &github.PullRequestLinks{URL: github.String("https://api.github.com/repos/acme/shop/pulls/42")}
	}
	ev := &github.IssueCommentEvent{
		Action: github.String("created"), Issue: is,
		Comment: &github.IssueComment{ID: github.Int64(id), Body: github.String(body), User: demoUser(user),
			HTMLURL:   github.String(fmt.Sprintf("https://github.com/acme/shop/issues/%d#issuecomment-%d", target, id)),
			CreatedAt: &github.Timestamp{Time: time.Now()}},
		Repo: demoRepo(), Sender: demoUser(user), Installation: demoInstallation(),
	}
	return d.send("issue_comment", ev)
}

func (d *demo) lastReplyOn(n int) string {
	var body string
	d.fake.Do(func(repos map[string]*githubfake.Repo) {
		for _, c := range repos["acme/shop"].Comments {
			if c.Issue == n && c.Author == "golive[bot]" && !strings.Contains(c.Body, "golive:comment") {
				body = c.Body
			}
		}
	})
	return body
}

func (d *demo) lastReply() string {
	var body string
	d.fake.Do(func(repos map[string]*githubfake.Repo) {
		r := repos["acme/shop"]
		for _, c := range r.Comments {
			if len(r.Issues) > 0 && c.Issue == r.Issues[0].Number {
				body = c.Body
			}
		}
	})
	return body
}

func firstMatch(s, re string) string { return regexp.MustCompile(re).FindString(s) }

func head(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) <= n {
		return s
	}
	return strings.Join(lines[:n], "\n") + fmt.Sprintf("\n… %d more lines (golive demo --full prints them all)", len(lines)-n)
}

func indent(s string) string {
	return "  " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n  ") + "\n"
}
