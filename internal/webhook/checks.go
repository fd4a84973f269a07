package webhook

import (
	"fmt"

	jsonv2 "github.com/go-json-experiment/json"
	jsonv1 "github.com/go-json-experiment/json/v1"

	"github.com/google/go-github/v60/github"

	"github.com/ag06mixer/golive/internal/ghconv"
	"github.com/ag06mixer/golive/internal/release"
)

// The CI events (check_run, check_suite, status) are most of a release's
// deliveries. They are decoded into these slim types, which name only the
// fields golive reads, not into go-github's: a check_run payload is 14 KB,
// a third of it the repository and a third the check suite and app, and
// building go-github's full types for it was 40 % of a worker's time per
// event (issue #18's profile). encoding/json still checks the whole
// payload is JSON, so a malformed one is still refused. The field names
// are go-github's JSON names; TestSlimDecodingAgreesWithGoGitHub holds the
// two decodings equal over GitHub's real payloads.

// slimUser is a sender or an owner.
type slimUser struct {
	Login string `json:"login"`
	Type  string `json:"type"`
}

// slimEnvelope is what every event carries that golive reads.
type slimEnvelope struct {
	Action       string            `json:"action"`
	Repository   *slimRepo         `json:"repository"`
	Installation *slimInstallation `json:"installation"`
	Sender       *slimUser         `json:"sender"`
}

type slimRepo struct {
	ID    int64    `json:"id"`
	Name  string   `json:"name"`
	Owner slimUser `json:"owner"`
}

type slimInstallation struct {
	ID int64 `json:"id"`
}

type slimApp struct {
	ID   int64  `json:"id"`
	Slug string `json:"slug"`
	Name string `json:"name"`
}

type slimPR struct {
	Number int `json:"number"`
}

type slimCheckRun struct {
	slimEnvelope
	CheckRun *slimCheckRunObject `json:"check_run"`
}

type slimCheckRunObject struct {
	ID           int64             `json:"id"`
	Name         string            `json:"name"`
	HeadSHA      string            `json:"head_sha"`
	HTMLURL      string            `json:"html_url"`
	Status       string            `json:"status"`
	Conclusion   string            `json:"conclusion"`
	StartedAt    *github.Timestamp `json:"started_at"`
	CompletedAt  *github.Timestamp `json:"completed_at"`
	App          *slimApp          `json:"app"`
	PullRequests []slimPR          `json:"pull_requests"`
}

type slimCheckSuite struct {
	slimEnvelope
	CheckSuite *slimCheckSuiteObject `json:"check_suite"`
}

type slimCheckSuiteObject struct {
	ID           int64             `json:"id"`
	HeadSHA      string            `json:"head_sha"`
	Status       string            `json:"status"`
	Conclusion   string            `json:"conclusion"`
	UpdatedAt    *github.Timestamp `json:"updated_at"`
	App          *slimApp          `json:"app"`
	PullRequests []slimPR          `json:"pull_requests"`
}

type slimStatus struct {
	slimEnvelope
	ID        int64             `json:"id"`
	SHA       string            `json:"sha"`
	Context   string            `json:"context"`
	State     string            `json:"state"`
	TargetURL string            `json:"target_url"`
	UpdatedAt *github.Timestamp `json:"updated_at"`
}

// decodeSlim decodes a CI event into its slim type, with json/v2's engine
// (github.com/go-json-experiment/json, the module encoding/json/v2 came
// from) set to encoding/json's semantics: the payload is checked and
// decoded in one pass instead of two (BenchmarkParse: check_run 139 to
// 45 µs in one run, docs/benchmarks.md), and it refuses and reads exactly what encoding/json does
// (TestSlimDecodesAsEncodingJSON).
func decodeSlim(event string, payload []byte) (any, error) {
	var v any
	switch event {
	case "check_run":
		v = &slimCheckRun{}
	case "check_suite":
		v = &slimCheckSuite{}
	case "status":
		v = &slimStatus{}
	default:
		return nil, nil
	}
	if err := jsonv2.Unmarshal(payload, v, jsonv1.DefaultOptionsV1()); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	return v, nil
}

// parseSlim normalizes a CI event decoded by decodeSlim.
func (p *Parsed) parseSlim(v any) error {
	switch e := v.(type) {
	case *slimCheckRun:
		return p.checkRun(e)
	case *slimCheckSuite:
		return p.checkSuite(e)
	case *slimStatus:
		return p.status(e)
	}
	return nil
}

func (p *Parsed) envelope(e *slimEnvelope) {
	if e.Repository != nil {
		p.Owner, p.Repo = e.Repository.Owner.Login, e.Repository.Name
	}
	if e.Installation != nil {
		p.Event.Installation = e.Installation.ID
	}
	if e.Sender != nil {
		p.Event.Actor = release.Principal{Login: e.Sender.Login, Bot: e.Sender.Type == "Bot"}
	}
}

func (a *slimApp) slug() string {
	if a == nil {
		return ""
	}
	return a.Slug
}

func (a *slimApp) id() int64 {
	if a == nil {
		return 0
	}
	return a.ID
}

func (p *Parsed) checkRun(e *slimCheckRun) error {
	p.envelope(&e.slimEnvelope)
	cr := e.CheckRun
	if cr == nil {
		return fmt.Errorf("%w: check_run event without a check run", ErrMalformed)
	}
	for _, pr := range cr.PullRequests {
		p.PRs = append(p.PRs, pr.Number)
	}
	p.SHA = cr.HeadSHA
	if cr.Name == release.CheckName {
		// golive's own check run: only its Re-run and buttons matter.
		switch e.Action {
		case "rerequested", "requested_action":
			p.Event.Kind = release.EvRefresh
		default:
			p.Ignore = "golive's own check run"
		}
		return nil
	}
	switch e.Action {
	case "created", "completed", "rerequested":
	default:
		p.Ignore = "check_run." + e.Action + " carries no result"
		return nil
	}
	status := cr.Status
	if e.Action == "rerequested" {
		status = "queued" // a rerun: the old result no longer stands
	}
	when := at(cr.CompletedAt, at(cr.StartedAt, p.Event.At))
	if e.Action == "rerequested" {
		when = p.Event.At
	}
	p.Event.Kind = release.EvCheck
	p.Event.At = when
	c := ghconv.CheckRun(&github.CheckRun{ID: &cr.ID, Name: &cr.Name, HeadSHA: &cr.HeadSHA, HTMLURL: &cr.HTMLURL,
		Status: &cr.Status, Conclusion: &cr.Conclusion, StartedAt: cr.StartedAt, CompletedAt: cr.CompletedAt,
		App: &github.App{ID: github.Int64(cr.App.id()), Slug: github.String(cr.App.slug())}})
	c.At = when
	if status != c.Status {
		c.Status, c.Conclusion = status, "" // a rerun
	}
	p.Event.Check = &c
	return nil
}

func (p *Parsed) checkSuite(e *slimCheckSuite) error {
	p.envelope(&e.slimEnvelope)
	cs := e.CheckSuite
	if cs == nil {
		return fmt.Errorf("%w: check_suite event without a check suite", ErrMalformed)
	}
	if e.Action != "completed" {
		p.Ignore = "check_suite." + e.Action + " carries no result"
		return nil
	}
	for _, pr := range cs.PullRequests {
		p.PRs = append(p.PRs, pr.Number)
	}
	p.SHA = cs.HeadSHA
	when := at(cs.UpdatedAt, p.Event.At)
	name := cs.App.slug()
	if name == "" && cs.App != nil {
		name = cs.App.Name
	}
	p.Event.Kind = release.EvCheck
	p.Event.At = when
	p.Event.Check = &release.CheckResult{
		Name: name, Kind: "check_suite", ID: cs.ID, SHA: cs.HeadSHA,
		Status: cs.Status, Conclusion: cs.Conclusion, At: when,
		App: cs.App.slug(), AppID: cs.App.id(),
	}
	return nil
}

func (p *Parsed) status(e *slimStatus) error {
	p.envelope(&e.slimEnvelope)
	if e.SHA == "" || e.Context == "" {
		return fmt.Errorf("%w: status event without a sha or context", ErrMalformed)
	}
	p.SHA = e.SHA
	when := at(e.UpdatedAt, p.Event.At)
	// The status event has no creator field; its sender is who posted it.
	var sender string
	if e.Sender != nil {
		sender = e.Sender.Login
	}
	c := ghconv.Status(e.Context, e.ID, e.SHA, e.State, e.TargetURL, sender, when)
	p.Event.Kind = release.EvCheck
	p.Event.At = when
	p.Event.Check = &c
	return nil
}

func (p *Parsed) deploymentStatus(e *github.DeploymentStatusEvent) error {
	p.repo(e.GetRepo(), e.GetInstallation(), e.GetSender())
	d, ds := e.GetDeployment(), e.GetDeploymentStatus()
	if d == nil || ds == nil {
		return fmt.Errorf("%w: deployment_status event without a deployment", ErrMalformed)
	}
	p.SHA, p.Ref = d.GetSHA(), d.GetRef()
	env := ds.GetEnvironment()
	if env == "" {
		env = d.GetEnvironment()
	}
	when := at(ds.CreatedAt, p.Event.At)
	dr := ghconv.Deploy(env, d, ds)
	dr.At = when
	p.Event.Kind = release.EvDeploy
	p.Event.At = when
	p.Event.Deploy = &dr
	return nil
}
