//go:build !nodemo

package cli

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"time"

	"github.com/ag06mixer/golive/internal/app"
	"github.com/ag06mixer/golive/internal/checklist"
	"github.com/ag06mixer/golive/internal/githubfake"
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
	st := &app.Settings{WebhookSecret: "demo-secret", GitHubAPI: fake.URL(), Workers: 4, LogLevel: "error"}
	if *dashboard {
		// The fake GitHub signs people in too: any login it knows.
		st.ClientID, st.ClientSecret, st.PublicURL = "Iv1.demo", "demo-client-secret", "http://"+ln.Addr().String()
		fake.SetOAuthApp(st.ClientID, st.ClientSecret)
	}
	log := app.NewLogger(io.Discard, "error", "json")
	sys, err := app.New(ctx, st, log, worker.Options{Coalesce: 100 * time.Millisecond, MaxCoalesce: time.Second, SettleWindow: time.Second, Reconcile: -1, ClaimIdle: 5 * time.Second,
		Prober: app.Loopback{Inner: &probe.Runner{Guard: guard}}, ProbeEvery: 200 * time.Millisecond})
	if err != nil {
		ln.Close()
		return err
	}
	defer sys.Close()
	served := make(chan error, 1)
	go func() { served <- sys.Serve(ctx, ln) }()

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
	sys    *app.App
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

	plan := checklist.PlanReady(d.cfg)
	d.step(fmt.Sprintf("CI reports %d passing checks on the new head; staging is redeployed", len(plan.Checks)))
	for _, name := range plan.Checks {
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
	for _, w := range strings.Split(plan.Waivers, "\n") {
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

	d.step(fmt.Sprintf("Adam (admin) ticks the %d hand-checked items in one comment, and waives the probes vars.host would configure (the demo has no TLS endpoint)", strings.Count(plan.Ticks, "/check")))
	for _, body := range []string{plan.Ticks, strings.Join(waivers, "\n")} {
		if err := d.comment("adam", body, false); err != nil {
			return err
		}
	}
	d.step("Sam (security) waives the one such item only security may waive: " + strings.TrimSpace(plan.SecWaivers))
	if err := d.comment("sam", plan.SecWaivers, false); err != nil {
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
