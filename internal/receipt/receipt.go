// Package receipt makes golive's decision receipts: a record, frozen at a
// decision point (a merge, a deployment gate's answer, the close of a
// post-go-live window), of what golive decided and on what evidence, in
// canonical JSON (RFC 8785), named by its SHA-256 and signed with Ed25519.
// docs/compliance.md gives the schema and how an auditor verifies one.
//
// It is pure: the state, the config, the decision point and its time come
// in; nothing here reads a clock, the network or a file.
package receipt

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ag06mixer/golive/internal/checklist"
	"github.com/ag06mixer/golive/internal/release"
)

// Schema names this version of the receipt format.
const Schema = "golive.receipt/v1"

// Kind names a decision point.
type Kind string

// The decision points that make a receipt.
const (
	// KindMerge: the release PR was merged (by hand or by the merge queue:
	// both reach golive as the PR's closed-and-merged event).
	KindMerge Kind = "merge"
	// KindDeployGate: a deployment protection rule was answered.
	KindDeployGate Kind = "deploy_gate"
	// KindWindowClosed: a post-go-live window ended.
	KindWindowClosed Kind = "window_closed"
)

// Point is one decision point of a release.
type Point struct {
	Kind Kind
	// ID is unique among the release's points: "merge", "window:24h",
	// "deploy:RUN:ENV". A point's receipt is posted once.
	ID string
	// At is when the decision was made.
	At time.Time
	// Window is the phase whose window closed (KindWindowClosed).
	Window checklist.Phase
	// Gate is the deployment rule's answer (KindDeployGate).
	Gate *GateDecision
}

// GateDecision is golive's answer to one deployment protection rule.
type GateDecision struct {
	Environment string   `json:"environment"`
	RunID       int64    `json:"run_id"`
	SHA         string   `json:"sha,omitempty"`
	Approved    bool     `json:"approved"`
	Missing     []string `json:"missing,omitempty"`
}

// Layer is one file of the resolved config.
type Layer struct {
	Name string `json:"name"`
	// BlobSHA is the file's git blob SHA-1, as GitHub names its content.
	BlobSHA string `json:"blob_sha,omitempty"`
	// SHA256 is the file's SHA-256.
	SHA256 string `json:"sha256,omitempty"`
}

// LayerOf names a config file by its content.
func LayerOf(name string, data []byte) Layer {
	h := sha256.Sum256(data)
	return Layer{Name: name, BlobSHA: GitBlobSHA(data), SHA256: hex.EncodeToString(h[:])}
}

// Facts are what golive learned from GitHub beyond the release's state,
// at the moment of the decision.
type Facts struct {
	RepoID      int64
	BaseSHA     string
	MergeCommit string
	Layers      []Layer
	Version     string
	// Previous is the digest of the release's last receipt ("" for the
	// first): the chain.
	Previous string
	// RestsOn is the digest of the release receipt a deploy-gate receipt
	// rests on (the merge receipt, or the release's latest).
	RestsOn string
}

// Receipt is the signed content. Field order here is irrelevant: the
// canonical form sorts members.
type Receipt struct {
	Schema        string        `json:"schema"`
	Kind          Kind          `json:"kind"`
	Point         string        `json:"point"`
	DecidedAt     string        `json:"decided_at"`
	Release       string        `json:"release"`
	Repository    Repository    `json:"repository"`
	PR            PR            `json:"pr"`
	Config        ConfigRef     `json:"config"`
	Verdict       Verdict       `json:"verdict"`
	Gate          *GateDecision `json:"gate,omitempty"`
	Window        string        `json:"window,omitempty"`
	Items         []Item        `json:"items"`
	Signoffs      []Signoff     `json:"signoffs"`
	Hold          *Hold         `json:"hold"`
	HoldHistory   []HoldEvent   `json:"hold_history"`
	GoliveVersion string        `json:"golive_version"`
	Previous      string        `json:"previous"`
	RestsOn       string        `json:"rests_on,omitempty"`
}

// Repository names the repository; ID is 0 when GitHub did not say.
type Repository struct {
	Owner string `json:"owner"`
	Name  string `json:"name"`
	ID    int64  `json:"id,omitempty"`
}

// PR is the release pull request at the decision.
type PR struct {
	Number      int    `json:"number"`
	Title       string `json:"title"`
	Author      string `json:"author"`
	URL         string `json:"url,omitempty"`
	BaseRef     string `json:"base_ref"`
	BaseSHA     string `json:"base_sha,omitempty"`
	HeadRef     string `json:"head_ref"`
	HeadSHA     string `json:"head_sha"`
	HeadTree    string `json:"head_tree,omitempty"`
	MergeCommit string `json:"merge_commit,omitempty"`
	Status      string `json:"status"`
	MergedAt    string `json:"merged_at,omitempty"`
	Issue       int    `json:"tracking_issue,omitempty"`
}

// ConfigRef is the hash of the resolved config and the files it came from.
type ConfigRef struct {
	// SHA256 is the SHA-256 of the resolved config's canonical JSON.
	SHA256 string  `json:"sha256"`
	Layers []Layer `json:"layers"`
}

// Verdict is the gate's answer at the decision.
type Verdict struct {
	Ready   bool     `json:"ready"`
	Title   string   `json:"title"`
	Phase   string   `json:"phase"`
	Done    int      `json:"done"`
	Total   int      `json:"total"`
	Missing []string `json:"missing"`
}

// Item is one checklist item's verdict and what it rests on.
type Item struct {
	ID       string    `json:"id"`
	Title    string    `json:"title"`
	Section  string    `json:"section"`
	Phase    string    `json:"phase"`
	Required bool      `json:"required"`
	Source   string    `json:"source"`
	Verdict  string    `json:"verdict"`
	Note     string    `json:"note,omitempty"`
	Evidence *Evidence `json:"evidence,omitempty"`
	Waiver   *Waiver   `json:"waiver,omitempty"`
}

// Evidence is what proved or disproved an item.
type Evidence struct {
	Source  string `json:"source"`
	Summary string `json:"summary"`
	URL     string `json:"url,omitempty"`
	Actor   string `json:"actor,omitempty"`
	At      string `json:"at,omitempty"`
	SHA     string `json:"sha,omitempty"`
	// Checks are the check runs and statuses matched on the head.
	Checks []CheckRef `json:"checks,omitempty"`
	// DeploymentID is the deployment of a deployment item.
	DeploymentID int64 `json:"deployment_id,omitempty"`
}

// CheckRef names one check run or commit status.
type CheckRef struct {
	Kind       string `json:"kind"`
	Name       string `json:"name"`
	ID         int64  `json:"id,omitempty"`
	Conclusion string `json:"conclusion"`
	URL        string `json:"url,omitempty"`
	At         string `json:"at"`
}

// Waiver excuses an item.
type Waiver struct {
	By      string `json:"by"`
	At      string `json:"at"`
	Reason  string `json:"reason"`
	Expires string `json:"expires,omitempty"`
	URL     string `json:"url,omitempty"`
}

// Signoff is one ledger entry, voided ones included.
type Signoff struct {
	Role      string `json:"role"`
	RoleTitle string `json:"role_title"`
	By        string `json:"by"`
	At        string `json:"at"`
	CommentID int64  `json:"comment_id,omitempty"`
	URL       string `json:"url,omitempty"`
	HeadSHA   string `json:"head_sha"`
	TreeSHA   string `json:"tree_sha,omitempty"`
	Active    bool   `json:"active"`
	VoidedAt  string `json:"voided_at,omitempty"`
	Voided    string `json:"void_reason,omitempty"`
	// GrantedBy is who the config let give the sign-off at the decision:
	// the role's teams, users and permission; Checked is what the signer
	// was found to hold when the command came.
	GrantedBy Grant `json:"granted_by"`
	// Checked is what golive asked GitHub of the signer when it accepted
	// the sign-off: permission, the role teams it found them in, and when
	// GitHub answered. Absent for a sign-off restored from the ledger.
	Checked *Checked `json:"checked,omitempty"`
}

// Checked is a signer's standing as GitHub gave it at the sign-off.
type Checked struct {
	Permission string   `json:"permission,omitempty"`
	Teams      []string `json:"teams"`
	At         string   `json:"at"`
}

// Grant is what a role's config grants it to.
type Grant struct {
	Teams      []string `json:"teams"`
	Users      []string `json:"users"`
	Permission string   `json:"permission,omitempty"`
}

// Hold is the hold in force at the decision.
type Hold struct {
	By     string `json:"by"`
	At     string `json:"at"`
	Reason string `json:"reason"`
	URL    string `json:"url,omitempty"`
}

// HoldEvent is a hold placed or lifted, from the audit trail.
type HoldEvent struct {
	At     string `json:"at"`
	By     string `json:"by"`
	Action string `json:"action"`
	Detail string `json:"detail"`
}

// Build makes the receipt of a decision point from the config and state
// golive held at it. It is pure.
func Build(cfg *checklist.Config, s *release.State, p Point, f Facts) (Receipt, error) {
	cfgHash, err := ConfigHash(cfg)
	if err != nil {
		return Receipt{}, err
	}
	if f.RepoID == 0 {
		f.RepoID = s.RepoID
	}
	r := Receipt{
		Schema: Schema, Kind: p.Kind, Point: p.ID, DecidedAt: ts(p.At), Release: s.Key.String(),
		Repository: Repository{Owner: s.Key.Owner, Name: s.Key.Repo, ID: f.RepoID},
		PR: PR{Number: s.Key.PR, Title: s.Title, Author: s.Author, URL: s.URL, BaseRef: s.BaseRef, BaseSHA: f.BaseSHA,
			HeadRef: s.HeadRef, HeadSHA: s.HeadSHA, HeadTree: s.HeadTree, MergeCommit: f.MergeCommit,
			Status: string(s.Status), MergedAt: ts(s.MergedAt), Issue: s.Issue},
		Config:        ConfigRef{SHA256: cfgHash, Layers: nonNil(f.Layers)},
		Gate:          p.Gate,
		Window:        string(p.Window),
		GoliveVersion: f.Version,
		Previous:      f.Previous,
		RestsOn:       f.RestsOn,
		Signoffs:      []Signoff{},
		HoldHistory:   []HoldEvent{},
	}
	// The pre-merge verdict is what a merge and a deployment gate rest on;
	// a window's close is judged on the post-go-live items.
	judged := s.Clone()
	if p.Kind != KindWindowClosed {
		judged.Status = release.StatusOpen
	}
	rep := release.Evaluate(cfg, judged, p.At)
	r.Verdict = Verdict{Ready: rep.Ready, Title: rep.Title, Phase: string(rep.Phase), Done: rep.Done, Total: rep.Total, Missing: []string{}}
	for _, m := range rep.Missing {
		r.Verdict.Missing = append(r.Verdict.Missing, m.Item.ID)
	}
	for _, ir := range rep.Items {
		if p.Kind == KindWindowClosed && ir.Phase != p.Window {
			continue
		}
		r.Items = append(r.Items, item(judged, ir, p.At))
	}
	if r.Items == nil {
		r.Items = []Item{}
	}
	for _, so := range s.Signoffs {
		role, _ := cfg.Role(so.Role)
		title := role.Title
		if title == "" {
			title = so.Role
		}
		r.Signoffs = append(r.Signoffs, Signoff{Role: so.Role, RoleTitle: title, By: so.By, At: ts(so.At), CommentID: so.CommentID, URL: so.URL,
			HeadSHA: so.SHA, TreeSHA: so.Tree, Active: so.Active(), VoidedAt: ts(so.VoidedAt), Voided: so.VoidReason,
			GrantedBy: Grant{Teams: nonNil(role.Teams), Users: nonNil(role.Users), Permission: role.Permission}, Checked: checked(so.Standing)})
	}
	if h := s.Hold; h != nil {
		r.Hold = &Hold{By: h.By, At: ts(h.At), Reason: h.Reason, URL: h.URL}
	}
	for _, a := range s.Audit {
		if a.Action == "held" || a.Action == "unheld" {
			r.HoldHistory = append(r.HoldHistory, HoldEvent{At: ts(a.At), By: a.Actor, Action: a.Action, Detail: a.Detail})
		}
	}
	return r, nil
}

func item(s *release.State, ir release.ItemReport, now time.Time) Item {
	it := ir.Item
	out := Item{ID: it.ID, Title: it.Title, Section: ir.Section.ID, Phase: string(ir.Phase), Required: it.IsRequired(),
		Source: string(it.Source()), Verdict: string(ir.State), Note: ir.Note}
	if w, ok := s.Waivers[it.ID]; ok && ir.State == release.ItemWaived && w.ActiveAt(now) {
		out.Waiver = &Waiver{By: w.By, At: ts(w.At), Reason: w.Reason, Expires: ts(w.Expires), URL: w.URL}
		return out
	}
	if e := ir.Evidence; e != nil {
		ev := &Evidence{Source: string(e.Source), Summary: e.Summary, URL: e.URL, Actor: e.Actor, At: ts(e.At), SHA: e.SHA}
		switch it.Source() {
		case checklist.SourceCheck:
			for _, c := range s.Checks {
				if c.SHA == s.HeadSHA && checklist.NameGlob(it.Evidence.Check.Name, c.Name) {
					ev.Checks = append(ev.Checks, CheckRef{Kind: c.Kind, Name: c.Name, ID: c.ID, Conclusion: c.Conclusion, URL: c.URL, At: ts(c.At)})
				}
			}
			slices.SortFunc(ev.Checks, func(a, b CheckRef) int { return strings.Compare(a.Kind+"\x00"+a.Name, b.Kind+"\x00"+b.Name) })
		case checklist.SourceDeployment:
			ev.DeploymentID = s.Deploys[it.Evidence.Deployment.Environment].DeploymentID
		}
		out.Evidence = ev
	}
	return out
}

// ConfigHash is the SHA-256 of the resolved config's canonical JSON.
func ConfigHash(cfg *checklist.Config) (string, error) {
	b, err := json.Marshal(cfg)
	if err != nil {
		return "", fmt.Errorf("encode config: %w", err)
	}
	c, err := Canonical(b)
	if err != nil {
		return "", err
	}
	h := sha256.Sum256(c)
	return hex.EncodeToString(h[:]), nil
}

// GitBlobSHA is git's name for a file's content: SHA-1 of "blob LEN\0"
// and the bytes. GitHub's contents API reports it as the file's sha.
func GitBlobSHA(data []byte) string {
	h := sha1.New()
	fmt.Fprintf(h, "blob %d\x00", len(data))
	h.Write(data)
	return hex.EncodeToString(h.Sum(nil))
}

// ts writes a time as RFC 3339 in UTC; the zero time is "".
func ts(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func checked(st *release.Standing) *Checked {
	if st == nil {
		return nil
	}
	return &Checked{Permission: st.Permission, Teams: nonNil(slices.Clone(st.Teams)), At: ts(st.CheckedAt)}
}
