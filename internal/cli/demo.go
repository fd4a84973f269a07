//go:build !nodemo

package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/ag06mixer/golive/internal/checklist"
	"github.com/ag06mixer/golive/internal/githubfake"
	"github.com/ag06mixer/golive/internal/loadgen"
	"github.com/ag06mixer/golive/internal/probe"
	"github.com/ag06mixer/golive/internal/release"
	"github.com/ag06mixer/golive/internal/worker"
)

// runDemo plays a release end to end on this machine: an embedded Redis,
// a fake GitHub and the real server and worker, driven by signed webhooks
// over loopback.
func runDemo(e *env, args []string) error {
	fs := newFlags(e, "demo", "demo [--full] [--dashboard]")
	full := fs.Bool("full", false, "print the whole tracking issue at the end")
	dashboard := fs.Bool("dashboard", false, "keep the server, the fake GitHub and its sign-in running after the demo, and print the dashboard's URL (until Ctrl-C)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(e.ctx)
	defer cancel()

	fake := githubfake.New(nil)
	defer fake.Close()
	fake.AddRepo("acme", "shop")
	fake.Do(func(repos map[string]*githubfake.Repo) {
		r := repos["acme/shop"]
		for login, perm := range map[string]string{
			"rita": "write", "carol": "write", "deploy-bot": "write", // release manager, PR author
			"tina": "write", "sam": "write", "bob": "read", "olga": "write", // the signers
			"victor": "read", "adam": "admin",
		} {
			r.Perms[login] = perm
		}
	})
	for team, login := range map[string]string{
		"ag06mixer/tech-leads": "tina", "ag06mixer/security": "sam", "ag06mixer/business-owners": "bob",
		"ag06mixer/operations": "olga", "ag06mixer/release-managers": "rita",
	} {
		fake.AddTeamMember(team, login)
	}
	fake.AddTeamMember("ag06mixer/security", "carol") // the author, who may not sign her own release
	// The release's live endpoints: a local server the demo's probes reach,
	// named in the repo's config on the default branch as vars.base_url.
	// vars.host stays unset: its TLS, TCP and DNS items are not probed.
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, `{"status":"ok"}`)
	}))
	defer site.Close()
	prom := newPromEndpoint("0.0042") // demo_metric.go
	defer prom.Close()
	repoConfig := demoRepoConfig(site.URL, prom.URL)
	fake.Do(func(repos map[string]*githubfake.Repo) {
		repos["acme/shop"].Files[".github/golive.yml"] = repoConfig
	})
	cfg, err := demoConfig(repoConfig)
	if err != nil {
		return err
	}
	guard, err := probe.ParseAllow("127.0.0.1/32")
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	st := &settings{WebhookSecret: "demo-secret", GitHubAPI: fake.URL(), Workers: 4, LogLevel: "error"}
	if *dashboard {
		// The fake GitHub signs people in too: any login it knows.
		st.ClientID, st.ClientSecret, st.PublicURL = "Iv1.demo", "demo-client-secret", "http://"+ln.Addr().String()
		fake.SetOAuthApp(st.ClientID, st.ClientSecret)
	}
	log := newLogger(io.Discard, "error")
	sys, err := wire(ctx, st, log, worker.Options{Coalesce: 100 * time.Millisecond, MaxCoalesce: time.Second, SettleWindow: time.Second, Reconcile: -1, ClaimIdle: 5 * time.Second,
		Prober: localProber{inner: &probe.Runner{Guard: guard}}, ProbeEvery: 200 * time.Millisecond})
	if err != nil {
		ln.Close()
		return err
	}
	defer sys.Close()
	served := make(chan error, 1)
	go func() { served <- serveOn(ctx, sys, ln) }()

	d := &demo{e: e, sys: sys, fake: fake, url: "http://" + ln.Addr().String() + "/webhook", secret: []byte(st.WebhookSecret), cfg: cfg, prom: prom}
	fmt.Fprintf(e.stdout, "golive demo: the real server on %s, an embedded in-memory Redis and a fake GitHub on loopback.\n\n", ln.Addr())
	if err := d.play(); err != nil {
		return err
	}
	if *full {
		fmt.Fprintf(e.stdout, "\n----- tracking issue #%d -----\n%s\n", d.issue().Number, d.issue().Body)
	}
	if *dashboard {
		fmt.Fprintf(e.stdout, "\nThe dashboard: %s/ — sign in on the fake GitHub as adam (or rita, sam, …).\n"+
			"The release: %s/releases/acme/shop/%d\nPress Ctrl-C to stop.\n", st.PublicURL, st.PublicURL, demoPR)
		<-ctx.Done()
	}
	cancel()
	if err := <-served; err != nil {
		return err
	}
	return nil
}

// demoConfig is the checklist the demo's repository resolves to: the
// built-in one under the repo's file.
func demoConfig(repoFile string) (*checklist.Config, error) {
	def, err := checklist.Default()
	if err != nil {
		return nil, err
	}
	repo, err := checklist.Parse(".github/golive.yml", []byte(repoFile))
	if err != nil {
		return nil, err
	}
	return checklist.Resolve(def, repo)
}

type demo struct {
	e      *env
	sys    *system
	fake   *githubfake.Fake
	url    string
	secret []byte
	cfg    *checklist.Config
	n      int
	head   string
	prom   *promEndpoint
}

const demoPR = 42

// probed lists the pre-merge items the demo's probes tick from its
// local server: those whose probe vars.base_url configures.
func (d *demo) probed() []string {
	var ids []string
	for _, e := range d.cfg.Flatten() {
		if e.Phase == checklist.PhasePreMerge && e.Item.IsRequired() && e.Item.Source() == checklist.SourceProbe {
			ids = append(ids, e.Item.ID)
		}
	}
	return ids
}

func (d *demo) play() error {
	d.head = "3f1c2a9e5b7d4c6e8f0a1b2c3d4e5f6a7b8c9d0e"
	pr := &githubfake.Pull{Number: demoPR, Title: "Release 2.4.0", Author: "carol", HeadRef: "release/2.4.0", BaseRef: "main", HeadSHA: d.head}
	d.fake.AddPull("acme/shop", pr)

	d.step("Carol opens the release PR acme/shop#42 from release/2.4.0")
	if err := d.send("pull_request", d.prEvent("opened", pr, "carol")); err != nil {
		return err
	}
	is := d.issue()
	fmt.Fprintf(d.e.stdout, "  tracking issue #%d opened, labelled %s\n", is.Number, release.IssueLabel)
	d.verdict()
	d.showReminder()

	d.step("CI passes unit and integration tests; the e2e suite fails")
	for _, c := range []struct{ name, concl string }{{"ci / unit", "success"}, {"ci / integration", "success"}, {"ci / e2e", "failure"}} {
		if err := d.send("check_run", d.checkEvent(c.name, c.concl, "carol")); err != nil {
			return err
		}
	}
	d.items("unit-tests-comprehensive-and-passing", "integration-tests-covering-critical-paths", "end-to-end-tests-automated")
	d.verdict()

	d.step("The e2e suite is re-run and passes")
	if err := d.send("check_run", d.checkEvent("ci / e2e", "success", "carol")); err != nil {
		return err
	}
	d.items("end-to-end-tests-automated")

	d.step("deploy-bot deploys the release head to staging")
	if err := d.send("deployment_status", d.deployEvent("staging", "success")); err != nil {
		return err
	}
	d.items("deployment-pipeline-configured", "staging-environment-matches-production")

	manual := d.manualItem(func(it *checklist.Item) bool { return it.TickBy == nil })
	d.step("Rita (write access) ticks a hand-checked box in the tracking issue: " + manual)
	if err := d.tick("rita", manual); err != nil {
		return err
	}
	d.items(manual)

	guarded := d.manualItem(func(it *checklist.Item) bool { return len(it.TickBy) > 0 })
	d.step("Victor (read access) ticks a box only the security role may tick: " + guarded)
	if err := d.tick("victor", guarded); err != nil {
		return err
	}
	d.items(guarded)
	if r := d.lastReply(); r != "" {
		fmt.Fprintf(d.e.stdout, "  golive replied in the issue:\n%s", indent(indent(strings.TrimSpace(r))))
	}

	d.step("Carol pushes a fix to the release branch")
	d.head = "9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b"
	d.fake.Do(func(repos map[string]*githubfake.Repo) {
		pr.HeadSHA = d.head
		pr.Commits = append(pr.Commits, d.head)
	})
	if err := d.send("pull_request", d.prEvent("synchronize", pr, "carol")); err != nil {
		return err
	}
	d.items("unit-tests-comprehensive-and-passing", "staging-environment-matches-production", manual)
	d.verdict()

	plan := planReady(d.cfg)
	d.step(fmt.Sprintf("CI reports %d passing checks on the new head; staging is redeployed", len(plan.checks)))
	for _, name := range plan.checks {
		if err := d.send("check_run", d.checkEvent(name, "success", "carol")); err != nil {
			return err
		}
	}
	if err := d.send("deployment_status", d.deployEvent("staging", "success")); err != nil {
		return err
	}
	d.verdict()

	d.step("Probes of the release's live endpoints (vars.base_url: a local server the demo runs) tick their items")
	probed := d.probed()
	var waivers []string
	for _, w := range strings.Split(plan.waivers, "\n") {
		if id := strings.Fields(w + " x x")[1]; !slices.Contains(probed, id) {
			waivers = append(waivers, w)
		}
	}
	if err := d.waitTicked(probed); err != nil {
		return err
	}
	d.items(probed...)

	d.step("A metric item asks a Prometheus-compatible API the demo runs on loopback for the staging error rate")
	if err := d.showMetric(d.prom); err != nil {
		return err
	}

	d.step(fmt.Sprintf("Adam (admin) ticks the %d hand-checked items in one comment, and waives the probes vars.host would configure (the demo has no TLS endpoint)", strings.Count(plan.ticks, "/check")))
	for _, body := range []string{plan.ticks, strings.Join(waivers, "\n")} {
		if err := d.comment("adam", body, false); err != nil {
			return err
		}
	}
	d.step("Sam (security) waives the one such item only security may waive: " + strings.TrimSpace(plan.secWaivers))
	if err := d.comment("sam", plan.secWaivers, false); err != nil {
		return err
	}
	d.verdict()

	d.step("Carol, the author, tries `/approve security`")
	if err := d.comment("carol", "/approve security", true); err != nil {
		return err
	}
	if r := d.lastReplyOn(demoPR); r != "" {
		fmt.Fprintf(d.e.stdout, "  golive replied on the PR:\n%s", indent(indent(strings.TrimSpace(r))))
	}

	d.step("Rita tries `/approve final` before the other four")
	if err := d.comment("rita", "/approve final", true); err != nil {
		return err
	}
	if r := d.lastReplyOn(demoPR); r != "" {
		fmt.Fprintf(d.e.stdout, "  golive replied on the PR:\n%s", indent(indent(strings.TrimSpace(r))))
	}

	d.step("The sign-offs come in: tech lead, security, business owner, operations, then final approval")
	for _, who := range []string{"tina tech-lead", "sam security", "bob business", "olga ops", "rita final"} {
		user, role, _ := strings.Cut(who, " ")
		if err := d.comment(user, "/approve "+role, true); err != nil {
			return err
		}
		fmt.Fprintf(d.e.stdout, "  %s: /approve %s\n", user, role)
	}
	d.verdict()

	d.step("The PR is merged: the release enters its post-go-live windows")
	d.fake.Do(func(repos map[string]*githubfake.Repo) {
		pr.State, pr.Merged, pr.MergeSHA = "closed", true, "5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e"
	})
	if err := d.send("pull_request", d.prEvent("closed", pr, "rita")); err != nil {
		return err
	}
	is = d.issue()
	fmt.Fprintf(d.e.stdout, "  issue #%d is %s; %s\n", is.Number, is.State, firstMatch(is.Body, `Pull request [^\n]*`))
	d.windows()

	fmt.Fprintf(d.e.stdout, "\nGitHub API requests golive made (%d writes):\n%s", d.fake.Writes(), indent(d.fake.CountsTable()))
	fmt.Fprintf(d.e.stdout, "\nFinal tracking issue #%d (head):\n%s\n", is.Number, indent(head(is.Body, 14)))
	fmt.Fprintf(d.e.stdout, "\nMerged ✅ — watching the first 24 hours\n\n%s\n", wrapText(d.summary(), 100))
	return nil
}

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
	return d.sys.store.WaitIdle(d.e.ctx, 15*time.Second, 20*time.Millisecond)
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

func (d *demo) prEvent(action string, p *githubfake.Pull, sender string) *github.PullRequestEvent {
	var pr *github.PullRequest
	d.fake.Do(func(repos map[string]*githubfake.Repo) {
		now := &github.Timestamp{Time: time.Now()}
		pr = &github.PullRequest{
			Number: github.Int(p.Number), Title: github.String(p.Title), State: github.String(p.State),
			User: demoUser(p.Author), HTMLURL: github.String("https://github.com/acme/shop/pull/42"),
			Head:   &github.PullRequestBranch{Ref: github.String(p.HeadRef), SHA: github.String(p.HeadSHA)},
			Base:   &github.PullRequestBranch{Ref: github.String(p.BaseRef)},
			Merged: github.Bool(p.Merged), UpdatedAt: now, CreatedAt: &github.Timestamp{Time: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)},
		}
		if p.Merged {
			pr.MergedAt, pr.MergeCommitSHA = now, github.String(p.MergeSHA)
		}
	})
	return &github.PullRequestEvent{Action: github.String(action), Number: github.Int(p.Number), PullRequest: pr,
		Repo: demoRepo(), Sender: demoUser(sender), Installation: demoInstallation()}
}

func (d *demo) checkEvent(name, conclusion, sender string) *github.CheckRunEvent {
	c := d.fake.AddCheckRun("acme/shop", name, d.head, "completed", conclusion)
	return &github.CheckRunEvent{
		Action: github.String("completed"),
		CheckRun: &github.CheckRun{
			ID: github.Int64(c.ID), Name: github.String(name), HeadSHA: github.String(d.head),
			Status: github.String("completed"), Conclusion: github.String(conclusion), HTMLURL: github.String(c.HTMLURL),
			CompletedAt:  &github.Timestamp{Time: *c.CompletedAt},
			PullRequests: []*github.PullRequest{{Number: github.Int(demoPR)}},
		},
		Repo: demoRepo(), Sender: demoUser(sender), Installation: demoInstallation(),
	}
}

func (d *demo) deployEvent(env, state string) *github.DeploymentStatusEvent {
	dep := d.fake.AddDeployment("acme/shop", env, d.head, "release/2.4.0", state)
	st := dep.Statuses[0]
	return &github.DeploymentStatusEvent{
		Deployment: &github.Deployment{ID: github.Int64(dep.ID), SHA: github.String(d.head), Ref: github.String(dep.Ref), Environment: github.String(env)},
		DeploymentStatus: &github.DeploymentStatus{ID: github.Int64(st.ID), State: github.String(state), Environment: github.String(env),
			Creator: demoUser("deploy-bot"), CreatedAt: &github.Timestamp{Time: st.At}},
		Repo: demoRepo(), Sender: demoUser("deploy-bot"), Installation: demoInstallation(),
	}
}

func demoRepo() *github.Repository {
	return &github.Repository{Name: github.String("shop"), FullName: github.String("acme/shop"), Owner: &github.User{Login: github.String("acme")}}
}

func demoUser(login string) *github.User {
	return &github.User{Login: github.String(login), Type: github.String("User")}
}

func demoInstallation() *github.Installation { return &github.Installation{ID: github.Int64(1)} }

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

// readyPlan is what it takes to make a release of cfg ready, short of
// sign-offs and the staging deploy: CI check names that satisfy every
// check item, one comment ticking every hand-checked item, and one
// waiving every probe (the demo and tests have no live endpoints).
type readyPlan struct {
	checks []string
	ticks  string
	// waivers are for an admin (adam); secWaivers for a member of the
	// security role, for items only security may waive.
	waivers    string
	secWaivers string
}

// planReady says what makes a release of cfg ready, besides the
// sign-offs: the checks to pass, the hand items to tick, and waivers for
// the probes (configured or not) whose endpoints are not live yet.
func planReady(cfg *checklist.Config) readyPlan {
	var p readyPlan
	var ticks, waivers, secWaivers []string
	for _, e := range cfg.Flatten() {
		if e.Phase != checklist.PhasePreMerge || !e.Item.IsRequired() {
			continue
		}
		unconfigured := e.Item.Evidence != nil && e.Item.Evidence.Unconfigured != ""
		switch src := e.Item.Source(); {
		case src == checklist.SourceProbe || unconfigured:
			w := "/waive " + e.Item.ID + " 7d no live endpoint to probe yet"
			by := e.Item.WaiveBy
			if by == nil {
				by = cfg.Defaults.WaiveBy
			}
			if slices.Contains(by, "@admin") {
				waivers = append(waivers, w)
			} else {
				secWaivers = append(secWaivers, w)
			}
		case src == checklist.SourceManual:
			ticks = append(ticks, "/check "+e.Item.ID)
		case src == checklist.SourceCheck:
			name := strings.ReplaceAll(e.Item.Evidence.Check.Name, "*", "")
			if !slices.Contains(p.checks, name) {
				p.checks = append(p.checks, name)
			}
		}
	}
	p.ticks = "Ticking the hand-checked items reviewed in the release meeting:\n" + strings.Join(ticks, "\n")
	p.waivers = strings.Join(waivers, "\n")
	p.secWaivers = strings.Join(secWaivers, "\n")
	return p
}
